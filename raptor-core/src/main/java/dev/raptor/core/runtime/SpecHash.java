package dev.raptor.core.runtime;

import dev.raptor.core.server.ServerSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A short, stable digest of what a container is made from. A container whose label differs from the
 * current spec's hash is recreated at its next start. The name is left out: renaming a server does
 * not change what runs, and neither does the game query nor whether an unhealthy server is restarted (Raptor
 * decides that, not the container). Records render maps sorted (see {@link ServerSpec}), so the text is canonical.
 * Members added to specs after the first version are appended only when set, so that a spec without them hashes
 * as it always did and an upgrade recreates no container.
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        // How Raptor queries the game is not what runs, so it is left out; it is the last component, and
        // without it the text is the one every earlier version hashed (no container is recreated for it).
        ServerSpec base = spec.withName("-").toBuilder().query(null).networks(List.of())
                .restartPolicy(spec.restartPolicy().withOnUnhealthy(false)).build();
        String canonical = base.toString();
        canonical = canonical.substring(0, canonical.length() - ", query=null, networks=[]]".length());
        if (!spec.networks().isEmpty()) {
            canonical += ", networks=" + spec.networks();
        }
        canonical += "]";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
