package dev.raptor.core.runtime;

import java.util.UUID;

/**
 * How Raptor marks what it owns. A container without {@link #SERVER} is never touched (rule 8), and
 * containers are found by that label and the deterministic name, never by a stored id (rule 6).
 */
public final class RuntimeLabels {
    /** Label carrying the server's uuid. */
    public static final String SERVER = "dev.raptor.server";
    /** Label carrying {@link SpecHash} of the spec the container was created from. */
    public static final String SPEC_HASH = "dev.raptor.spec-hash";
    /** Label naming the node-local Raptor instance that created it (so two daemons on one engine stay apart). */
    public static final String NODE = "dev.raptor.node";

    /**
     * The label of an install helper: the id of the server it installs. Helpers carry no {@link #SERVER} label, so
     * nothing takes one for the server's own container.
     */
    public static final String INSTALLER = "dev.raptor.installer";

    private RuntimeLabels() {
    }

    /** The deterministic container name of a server. */
    public static String containerName(UUID serverId) {
        return "raptor-" + serverId;
    }
}
