package dev.raptor.core.allocation;

import java.util.List;
import java.util.Optional;

/**
 * Whether host ports a server wants are free of other programs. The {@link PortRegistry} knows only
 * Raptor's own servers; a port held by anything else (another daemon, a stray process, raptord's own HTTP
 * port) would let a server be created and then die at its boot. The fleet asks at create, when a patch
 * changes allocations, and before each start.
 *
 * <p>Only a host whose ports the runtime's servers really bind can be asked: a runtime on another
 * machine (a remote Docker Engine) is given {@link #UNCHECKED}, and that engine's own refusal is reported
 * instead.
 */
public interface HostPorts {

    /** Asks nothing: every port counts as free. */
    HostPorts UNCHECKED = allocations -> Optional.empty();

    /** The first of {@code allocations} some program on this host holds, and who when the system tells. */
    Optional<PortInUse> firstInUse(List<Allocation> allocations);
}
