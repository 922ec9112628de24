package dev.raptor.core.runtime;

import dev.raptor.core.server.FileRules;
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
 */
public final class SpecHash {
    private static final String NOT_WHAT_RUNS = ", query=null, fileRules=" + FileRules.NONE + "]";

    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        // The game query and the file rules are the last components; without them the text is the one every
        // earlier version hashed, so adding them recreated no container and changing them recreates none.
        String canonical = spec.toBuilder().name("-").query(null).fileRules(null).build().toString();
        canonical = canonical.substring(0, canonical.length() - NOT_WHAT_RUNS.length()) + "]";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
