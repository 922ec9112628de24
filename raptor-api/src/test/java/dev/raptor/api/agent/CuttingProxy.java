package dev.raptor.api.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between the manager and a node agent, forwarding both ways byte for byte, whose
 * {@link #cut()} breaks every connection it carries at once (a reset on both sides, as a network that fails does);
 * connections made afterwards are carried again.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listening;
    private final int target;
    private final Set<Socket> carried = ConcurrentHashMap.newKeySet();

    CuttingProxy(int target) throws IOException {
        this.target = target;
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("cutting-proxy").start(this::accept);
    }

    int port() {
        return listening.getLocalPort();
    }

    /** Resets every connection carried now; returns how many there were. */
    int cut() {
        int n = 0;
        for (Socket s : carried) {
            try {
                s.setSoLinger(true, 0); // RST, not FIN: the other side's next write fails
                s.close();
                n++;
            } catch (IOException ignored) {
                // already gone
            }
            carried.remove(s);
        }
        return n;
    }

    private void accept() {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket agent = new Socket(InetAddress.getLoopbackAddress(), target);
                carried.add(client);
                carried.add(agent);
                pump(client, agent);
                pump(agent, client);
            } catch (IOException agentGone) {
                try {
                    client.close(); // as the agent's refusal would
                } catch (IOException ignored) {
                    // gone either way
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread.ofVirtual().name("cutting-proxy-pump").start(() -> {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException cut) {
                // cut, or the other side closed
            }
        });
    }

    @Override
    public void close() throws IOException {
        listening.close();
        cut();
    }
}
