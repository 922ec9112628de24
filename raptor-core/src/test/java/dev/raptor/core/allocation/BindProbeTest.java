package dev.raptor.core.allocation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The host-port probe on this machine's real sockets, with this JVM as the other program. */
class BindProbeTest {
    private final List<NetworkChannel> held = new ArrayList<>();
    private final BindProbe probe = new BindProbe(Set.of());

    @AfterEach
    void release() throws IOException {
        for (NetworkChannel c : held) {
            c.close();
        }
    }

    private int holdTcp(String ip) throws IOException {
        ServerSocketChannel c = ServerSocketChannel.open();
        held.add(c);
        c.bind(new InetSocketAddress(InetAddress.ofLiteral(ip), 0));
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    private int holdUdp(String ip) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        held.add(c);
        c.bind(new InetSocketAddress(InetAddress.ofLiteral(ip), 0));
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    private static String thisProcess() throws IOException {
        return Files.readString(Path.of("/proc/self/comm")).strip();
    }

    @Test
    void aTcpPortAnotherProgramListensOnIsInUseAndTheHolderIsNamed() throws IOException {
        int port = holdTcp("127.0.0.1");
        Allocation a = Allocation.primary("127.0.0.1", port, Protocol.TCP);

        Optional<PortInUse> inUse = probe.firstInUse(List.of(a));

        assertThat(inUse).hasValue(new PortInUse(a, thisProcess(), ProcessHandle.current().pid()));
        assertThat(inUse.get().describe()).isEqualTo("127.0.0.1:" + port + "/tcp is in use by " + thisProcess()
                + " (pid " + ProcessHandle.current().pid() + ")");
    }

    @Test
    void aUdpPortAnotherProgramBoundIsInUse() throws IOException {
        int port = holdUdp("127.0.0.1");
        Allocation a = Allocation.primary("127.0.0.1", port, Protocol.UDP);
        assertThat(probe.firstInUse(List.of(a))).hasValue(new PortInUse(a, thisProcess(), ProcessHandle.current().pid()));
    }

    @Test
    void theSamePortNumberOfTheOtherProtocolIsFree() throws IOException {
        int port = holdTcp("127.0.0.1");
        assertThat(probe.firstInUse(List.of(Allocation.primary("127.0.0.1", port, Protocol.UDP)))).isEmpty();
    }

    @Test
    void aWildcardAllocationIsInUseWhenAnyAddressHoldsThePort() throws IOException {
        int port = holdTcp("127.0.0.1");
        Allocation a = Allocation.primary("0.0.0.0", port, Protocol.TCP);
        assertThat(probe.firstInUse(List.of(a))).hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid()));
    }

    @Test
    void theFirstTakenAllocationIsReportedAndFreeOnesAreNot() throws IOException {
        int taken = holdTcp("127.0.0.1");
        int free;
        try (ServerSocketChannel c = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0))) {
            free = ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
        Allocation ok = Allocation.primary("127.0.0.1", free, Protocol.TCP);
        Allocation busy = Allocation.secondary("127.0.0.1", taken, Protocol.TCP);
        assertThat(probe.firstInUse(List.of(ok))).isEmpty();
        assertThat(probe.firstInUse(List.of(ok, busy))).hasValueSatisfying(p -> assertThat(p.allocation()).isEqualTo(busy));
    }

    @Test
    void aPortHeldByOneOfTheEnginesOwnProcessesIsLeftToTheEngine() throws IOException {
        int port = holdTcp("127.0.0.1");
        BindProbe docker = new BindProbe(Set.of(thisProcess()));
        assertThat(docker.firstInUse(List.of(Allocation.primary("127.0.0.1", port, Protocol.TCP)))).isEmpty();
    }

    @Test
    void whenTheSystemDoesNotTellWhoHoldsAPortItIsStillInUse(@org.junit.jupiter.api.io.TempDir Path noProc) throws IOException {
        int port = holdTcp("127.0.0.1");
        Allocation a = Allocation.primary("127.0.0.1", port, Protocol.TCP);
        Optional<PortInUse> inUse = new BindProbe(noProc, Set.of()).firstInUse(List.of(a));
        assertThat(inUse).hasValue(new PortInUse(a, null, null));
        assertThat(inUse.get().describe()).endsWith("is in use by another program");
    }

    @Test
    void anAddressThisHostDoesNotHaveIsLeftToTheRuntime() {
        // TEST-NET-3 (RFC 5737) is never configured: binding fails, but not because the port is in use
        assertThat(probe.firstInUse(List.of(Allocation.primary("203.0.113.7", 25565, Protocol.TCP)))).isEmpty();
    }

    @Test
    void procNetAddressesAreReadInTheHostsByteOrder() throws Exception {
        String loopback = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? "0100007F" : "7F000001";
        assertThat(SocketOwners.address(loopback).getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(SocketOwners.address("00000000000000000000000000000000").isAnyLocalAddress()).isTrue();
    }
}
