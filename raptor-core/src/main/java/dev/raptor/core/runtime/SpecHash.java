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
 * not change what runs, and neither do the game query, whether an unhealthy server is restarted (Raptor decides
 * that, not the container), the backup settings (Raptor runs backups beside the container) and the file rules (they
 * bind the file API, not the container). Records render maps
 * sorted (see {@link ServerSpec}), so the text is canonical.
 *
 * <p>The settle window is left out too: it is how long Raptor watches a boot, not what runs. The query and
 * the settle window come right before the message socket, the networks, the backups and the file rules, and without them the
 * text is the one earlier versions hashed, so no container is recreated because Raptor learnt of them. Members
 * added to specs after that that change what runs (the networks, then whether there is a message socket) are
 * appended only when set, so that a spec without them hashes as it always did.
 */
public final class SpecHash {
    private SpecHash() {
    }

    /** The spec last hashed and its hash: specs are immutable, so the same instance always hashes the same. */
    private record Last(ServerSpec spec, String hash) {
    }

    private static volatile Last last;

    /**
     * The hash of {@code spec}. A start asks it of the same spec instance three times (the controller, the blueprint's
     * labels and the create's answer), and each time it builds a spec (validated) and renders it as text: the last
     * instance's hash is kept, so those three cost one (a different instance, even an equal one, is hashed anew).
     */
    public static String of(ServerSpec spec) {
        Last l = last;
        if (l != null && l.spec() == spec) {
            return l.hash();
        }
        String hash = compute(spec);
        last = new Last(spec, hash);
        return hash;
    }

    private static String compute(ServerSpec spec) {
        ServerSpec base = spec.toBuilder().name("-").query(null).messaging(false).networks(List.of())
                .backups(null).fileRules(null).restartPolicy(spec.restartPolicy().withOnUnhealthy(false)).build();
        String canonical = withoutQueryAndAfter(base.toString());
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
     * {@code ServerSpec[…, readyPattern=x, query=null, settle=PT2S, messaging=false, networks=[], backups=BackupPolicy[…],
     * fileRules=FileRules[deny=[], readOnly=[]]]} without its last six components (the query was set to null, messaging
     * to false, the networks, the backups and the file rules emptied, and neither a duration nor those contain the
     * marker, so its last occurrence is theirs).
     */
    private static String withoutQueryAndAfter(String text) {
        int cut = text.lastIndexOf(", query=null, settle=");
        return cut < 0 ? text : text.substring(0, cut) + "]";
    }
}
