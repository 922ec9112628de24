package dev.raptor.api.files;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.auth.TokenClaims;
import dev.raptor.core.server.ServerStore;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a server's activity log entry for each change to its files: who ({@code by}), what (the entry's type,
 * {@code files.write}, {@code files.delete}...) and which path. A store that cannot take it costs the entry, never
 * the change (which has happened).
 */
public final class FileActivity {
    private static final Logger log = LoggerFactory.getLogger(FileActivity.class);

    /** Where the entries go: the server's activity log in the store here; a node agent's own log (it has no store). */
    @FunctionalInterface
    public interface Sink {
        void append(UUID server, String type, String message, Map<String, String> details);
    }

    private final Sink store;

    public FileActivity(ServerStore store) {
        this(store::appendActivity);
    }

    public FileActivity(Sink sink) {
        this.store = sink;
    }

    /** On a node agent: who the manager says made the request (the agent only knows the manager). */
    public static final String FORWARDED_BY = "raptor.forwarded-by";

    /** Who made the request, as the activity log names them. */
    public static String who(Context ctx) {
        String forwarded = ctx.attribute(FORWARDED_BY);
        if (forwarded != null) {
            return forwarded;
        }
        Principal p = ctx.attribute(Authenticator.PRINCIPAL);
        return who(p);
    }

    public static String who(Principal p) {
        return switch (p) {
            case null -> "signed link";
            case Principal.LocalSocket s -> "unix socket";
            case Principal.NodeKey k -> "node API key";
            case Principal.ServerToken(TokenClaims claims) -> "token " + claims.tokenId();
        };
    }

    /**
     * @param what    {@code files.write}, {@code files.mkdir}, {@code files.rename}...
     * @param path    the path changed (for many: the first, the details say how many)
     * @param details more facts (strings)
     */
    public void record(UUID server, String who, String what, String message, String path, Map<String, String> details) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("by", who);
        if (path != null) {
            all.put("path", path);
        }
        all.putAll(details);
        try {
            store.append(server, what, message + " (by " + who + ")", all);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", server).addKeyValue("type", what).addKeyValue("error", e.toString())
                    .log("could not append a file change to the activity log");
        }
    }
}
