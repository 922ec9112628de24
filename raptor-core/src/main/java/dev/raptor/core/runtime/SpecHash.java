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
 *
 * <p>The settle window is left out too: it is how long Raptor watches a boot, not what runs. The query and
 * the settle window come right before the message socket and the networks, and without them the text is the one
 * earlier versions hashed, so no container is recreated because Raptor learnt of them. Members added to specs after
 * that (the networks, then whether there is a message socket) are appended only when set, so that a spec without
 * them hashes as it always did.
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String of(ServerSpec spec) {
        ServerSpec base = spec.withName("-").toBuilder().query(null).messaging(false).networks(List.of())
                .restartPolicy(spec.restartPolicy().withOnUnhealthy(false)).build();
        String canonical = withoutQueryAndSettle(base.toString());
        if (!spec.networks().isEmpty()) {
            canonical = canonical.substring(0, canonical.length() - 1) + ", networks=" + spec.networks() + "]";
        }
        // Messaging changes what the container sees (its socket directory): a server with it hashes differently, and
        // one without it hashes as before.
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
     * {@code ServerSpec[…, readyPattern=x, query=null, settle=PT2S, messaging=false, networks=[]]} without its last four
     * components (the query was set to null, messaging to false and the networks emptied, and a duration never
     * contains the marker, so its last occurrence is theirs).
     */
    private static String withoutQueryAndSettle(String text) {
        int cut = text.lastIndexOf(", query=null, settle=");
        return cut < 0 ? text : text.substring(0, cut) + "]";
    }
}
