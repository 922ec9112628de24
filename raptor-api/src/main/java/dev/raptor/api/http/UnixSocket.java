package dev.raptor.api.http;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The API's Unix domain socket. Whoever can open it is trusted like root (no key), so its file mode
 * is 0660: the owner and the owner's group (e.g. a {@code raptor} group for operators) only.
 */
public final class UnixSocket {
    private static final Logger log = LoggerFactory.getLogger(UnixSocket.class);

    private UnixSocket() {
    }

    public static UnixDomainServerConnector connector(Server server, HttpConfiguration http, Path path, ByteBufferPool buffers) {
        UnixDomainServerConnector c = new UnixDomainServerConnector(server, null, null, buffers, -1, ConnectorSelectors.count(),
                new HttpConnectionFactory(http));
        c.setIdleTimeout(ConnectorSelectors.IDLE_TIMEOUT.toMillis());
        c.setUnixDomainPath(path);
        c.setName("unix");
        return c;
    }

    /**
     * Makes room for the socket: creates its directory, and removes a stale socket file a crashed
     * daemon left behind. A socket that still answers belongs to a running daemon: that is an error.
     */
    public static void prepare(Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (answers(path)) {
                throw new IllegalStateException("another process is listening on " + path + " (is raptord already running?)");
            }
            log.info("removing the stale socket {} of an earlier run", path);
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the socket " + path, e);
        }
    }

    /** Restricts the socket to its owner and group. */
    public static void restrict(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the mode of " + path + " to 0660", e);
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
