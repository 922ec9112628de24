package dev.raptor.core.runtime;

import dev.raptor.core.server.ServerSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short, stable digest of what a container is made from. A container whose label differs from the
 * current spec's hash is recreated at its next start. The name is left out: renaming a server does
 * not change what runs, and neither does the game query. Records render maps sorted (see {@link ServerSpec}), so the text is canonical.
 *
 * <p>The settle window is left out too: it is how long Raptor watches a boot, not what runs. The query and
 * the settle window are the spec's last components, and without them the text is the one earlier versions
 * hashed, so no container is recreated because Raptor learnt of them.
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        // Messaging changes what the container sees (its socket directory): a server with it hashes differently, and
        // one without it hashes as before (it is the last component, cut with the query and the settle window).
        String canonical = withoutQueryAndSettle(spec.withName("-").toBuilder().query(null).messaging(false).build().toString());
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
     * {@code ServerSpec[…, readyPattern=x, query=null, settle=PT2S]} without its last two components (the query was
     * set to null, and a duration never contains the marker, so its last occurrence is theirs).
     */
    private static String withoutQueryAndSettle(String text) {
        int cut = text.lastIndexOf(", query=null, settle=");
        return cut < 0 ? text : text.substring(0, cut) + "]";
    }
}
