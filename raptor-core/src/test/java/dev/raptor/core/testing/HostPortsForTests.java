package dev.raptor.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Host ports for tests to publish a game server on, or to bind a test's own listener to.
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range (32768–60999 on Linux), which every
 * outgoing connection on the machine draws its local port from: between the test choosing it and the node checking
 * it, a Docker proxy, an HTTP client or another suite may hold it, and the node rightly refuses the server ("Port in
 * use"). Ports here come from below that range, where only explicit binds land; each is free on 127.0.0.1 and on the
 * wildcard address when handed out, and never handed out twice by one JVM.
 */
public final class HostPortsForTests {

    private static final int LOW = 20_000;
    private static final int HIGH = 32_000; // exclusive; below the default ephemeral range
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private HostPortsForTests() {
    }

    /** A port nothing listens on now, outside the ephemeral range, not handed out before in this JVM. */
    public static int free() {
        for (int attempt = 0; attempt < 2_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (HANDED_OUT.contains(port) || !bindable(port)) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOW + " and " + HIGH + " after 2000 tries");
    }

    /** Free on every address: on Linux a wildcard bind fails while any address holds the port. */
    private static boolean bindable(int port) {
        try (ServerSocket any = new ServerSocket()) {
            any.setReuseAddress(false);
            any.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
