package dev.raptor.core.runtime;

import dev.raptor.core.server.ServerSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short, stable digest of what a container is made from. A container whose label differs from the
 * current spec's hash is recreated at its next start. The name is left out: renaming a server does
 * not change what runs, and neither do the game query and the file rules (they bind the game's status and the
 * file API, not the container). Records render maps sorted (see {@link ServerSpec}), so the text is canonical.
 *
 * <p>The settle window is left out too: it is how long Raptor watches a boot, not what runs. The query, the
 * settle window, messaging and the file rules are the spec's last components, and without them the text is the one
 * earlier versions hashed, so no container is recreated because Raptor learnt of them or because they change.
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        // Messaging changes what the container sees (its socket directory): a server with it hashes differently, and
        // one without it hashes as before (it is cut with the query, the settle window and the file rules).
        String canonical = withoutQueryAndAfter(spec.withName("-").toBuilder().query(null).messaging(false).fileRules(null)
                .build().toString());
        if (spec.messaging()) {
            canonical += " messaging";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * {@code ServerSpec[…, readyPattern=x, query=null, settle=PT2S, messaging=false, fileRules=FileRules[deny=[],
     * readOnly=[]]]} without its last four components (the query and the file rules were emptied, and neither a
     * duration, a boolean nor empty rules contain the marker, so its last occurrence is theirs).
     */
    private static String withoutQueryAndAfter(String text) {
        int cut = text.lastIndexOf(", query=null, settle=");
        return cut < 0 ? text : text.substring(0, cut) + "]";
    }
}
