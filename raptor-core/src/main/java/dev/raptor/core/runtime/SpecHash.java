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
        // How Raptor queries the game is not what runs, so it is left out; without it and messaging (the last
        // two components) the text is the one every earlier version hashed (no container is recreated for them).
        // Messaging changes what the container sees (its socket directory), so a server with it hashes differently.
        String canonical = spec.withName("-").toBuilder().query(null).messaging(false).build().toString();
        canonical = canonical.substring(0, canonical.length() - ", query=null, messaging=false]".length()) + "]";
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
}
