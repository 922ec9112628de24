package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A listener of the daemon's own answers a client: one TCP connection to its address (loopback when it
 * listens on every address) that must greet with {@code greeting} (e.g. {@code SSH-} for SFTP) by the
 * deadline. A listener that is configured off is healthy and says so; one that should listen and does not
 * answer is unhealthy, because the clients that use it are refused.
 *
 * @param name     the check's name, e.g. {@code sftp}
 * @param address  where the listener is bound now, empty when it is off
 * @param greeting what the listener's first bytes start with
 */
public record ListenerCheck(String name, Supplier<Optional<InetSocketAddress>> address, String greeting) implements NodeCheck {
    private static final Duration MAX_WAIT = Duration.ofSeconds(5);

    @Override
    public Finding run(Deadline deadline) {
        Optional<InetSocketAddress> bound = address.get();
        if (bound.isEmpty()) {
            return Finding.healthy(name + " is off");
        }
        InetSocketAddress target = reachable(bound.get());
        int waitMs = (int) Math.max(1, Math.min(MAX_WAIT.toMillis(), deadline.remaining().toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(target, waitMs);
            socket.setSoTimeout(waitMs);
            String first = readGreeting(socket.getInputStream());
            if (!first.startsWith(greeting)) {
                return Finding.unhealthy(name + " on " + describe(bound.get()) + " greets with '" + first + "', not '" + greeting + "…'");
            }
            return Finding.healthy(name + " answers on " + describe(bound.get()));
        } catch (IOException e) {
            return Finding.unhealthy(name + " on " + describe(bound.get()) + " does not answer: " + DeepHealth.describe(e));
        }
    }

    private String readGreeting(InputStream in) throws IOException {
        byte[] buf = new byte[Math.max(greeting.length(), 1)];
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress reachable(InetSocketAddress bound) {
        return bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort())
                : bound;
    }

    private static String describe(InetSocketAddress a) {
        return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }
}
