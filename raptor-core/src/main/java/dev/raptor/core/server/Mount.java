package dev.raptor.core.server;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;

/**
 * A host path made visible inside the server, in addition to its own data directory
 * (which is always mounted at {@link ServerSpec#DATA_MOUNT}).
 *
 * @param source   absolute path on the host
 * @param target   absolute path inside the server
 * @param readOnly whether the server may only read it
 */
public record Mount(String source, String target, boolean readOnly) {

    public static Mount readOnly(String source, String target) {
        return new Mount(source, target, true);
    }

    public static Mount readWrite(String source, String target) {
        return new Mount(source, target, false);
    }

    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(isCleanAbsolute(source), "source", "must be an absolute host path without '..' (was '" + source + "')");
        p.check(isCleanAbsolute(target) && !"/".equals(target), "target",
                "must be an absolute path inside the server, not / and without '..' (was '" + target + "')");
        p.check(target == null || !target.equals(ServerSpec.DATA_MOUNT), "target",
                ServerSpec.DATA_MOUNT + " is the server's own data directory");
        return p.list();
    }

    private static boolean isCleanAbsolute(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return false;
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
