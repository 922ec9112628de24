package dev.raptor.sftp.volume;

import dev.raptor.core.server.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes what file-transfer users do into their server's activity log ({@code sftp.login}, {@code sftp.upload},
 * {@code sftp.delete}, {@code sftp.rename}...; FTP's entries say {@code "protocol": "ftp"} in their details). A
 * failure to record is logged and never fails the user's operation: the change already happened.
 */
public final class TransferActivity {
    private static final Logger log = LoggerFactory.getLogger(TransferActivity.class);

    /** Where entries go: the server's activity log, or (on a node agent) back to the manager that keeps it. */
    @FunctionalInterface
    public interface Sink {
        /** @param type the full type ({@code sftp.upload}) */
        void append(UUID serverId, String type, String message, Map<String, String> details);
    }

    private final Sink sink;

    public TransferActivity(ServerStore store) {
        this.sink = store::appendActivity;
    }

    public TransferActivity(Sink sink) {
        this.sink = sink;
    }

    /**
     * @param type    after the {@code sftp.} prefix: {@code login}, {@code login-failed}, {@code upload}, ...
     * @param details key-value facts (username, address, path...); never a password
     */
    public void record(UUID serverId, String type, String message, Map<String, String> details) {
        try {
            sink.append(serverId, "sftp." + type, message, details);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", serverId).addKeyValue("type", type).addKeyValue("error", e.toString())
                    .log("could not record file-transfer activity");
        }
    }

    /** Details with the user's facts first. */
    public static Map<String, String> details(String username, String protocol, String address, String... more) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("username", username);
        d.put("protocol", protocol);
        if (address != null) {
            d.put("address", address);
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] != null) {
                d.put(more[i], more[i + 1]);
            }
        }
        return d;
    }
}
