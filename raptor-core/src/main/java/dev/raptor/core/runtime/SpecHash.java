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
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        // How Raptor queries the game is not what runs, so it is left out; it is the last component, and
        // without it the text is the one every earlier version hashed (no container is recreated for it).
        String canonical = spec.withName("-").toBuilder().query(null).build().toString();
        canonical = canonical.substring(0, canonical.length() - ", query=null]".length()) + "]";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
