package dev.raptor.core.allocation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link HostPorts} by trying: binds each allocation's address and port (a TCP listener, or a UDP socket)
 * and closes it at once. "Address already in use" means another program holds it, and {@link SocketOwners}
 * names the holder when {@code /proc} tells. Any other refusal (an address this host does not have, a
 * privileged port without the right to it) is not a port in use and is left to the runtime to report.
 *
 * <p>TCP probes set {@code SO_REUSEADDR}, as servers do, so a port whose last connections linger in
 * TIME_WAIT after a stop counts as free.
 *
 * <p>Some holders are the engine's own: Docker's {@code docker-proxy} holds the ports of the containers
 * it publishes, among them a server's own container that was stopped a moment ago. A port such a holder
 * has is left for the engine to judge: it refuses a start whose port another container publishes
 * ("port is already allocated"), and that refusal is reported as the same problem.
 */
public final class BindProbe implements HostPorts {
    private static final Logger log = LoggerFactory.getLogger(BindProbe.class);

    private final SocketOwners owners;
    private final Set<String> engineHolders;

    /**
     * @param engineHolders command names of the runtime's own port holders ({@code docker-proxy}), whose
     *                      ports the runtime judges itself
     */
    public BindProbe(Set<String> engineHolders) {
        this(Path.of("/proc"), engineHolders);
    }

    BindProbe(Path proc, Set<String> engineHolders) {
        this.owners = new SocketOwners(proc);
        this.engineHolders = Set.copyOf(engineHolders);
    }

    @Override
    public Optional<PortInUse> firstInUse(List<Allocation> allocations) {
        for (Allocation a : allocations) {
            if (!bindable(a)) {
                PortInUse inUse = owners.holderOf(a);
                if (inUse.process() != null && engineHolders.contains(inUse.process())) {
                    log.debug("{} is held by {}, the engine's own; the engine judges it", a.hostBinding(), inUse.holder());
                    continue;
                }
                return Optional.of(inUse);
            }
        }
        return Optional.empty();
    }

    /** False only when the system says the address is in use. */
    private static boolean bindable(Allocation a) {
        InetSocketAddress address = new InetSocketAddress(IpLiteral.parse(a.ip()), a.port());
        try (NetworkChannel channel = a.protocol() == Protocol.UDP ? DatagramChannel.open() : ServerSocketChannel.open()) {
            if (a.protocol() == Protocol.TCP) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            channel.bind(address);
            return true;
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("in use")) {
                return false;
            }
            log.debug("probing {}: {}; left to the runtime", a.hostBinding(), e.getMessage());
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("probing {}: {}; left to the runtime", a.hostBinding(), e.toString());
            return true;
        }
    }
}
