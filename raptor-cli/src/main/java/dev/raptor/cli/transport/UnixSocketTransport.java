package dev.raptor.cli.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTP/1.1 over the daemon's Unix domain socket ({@code java.net.http} speaks TCP only). One
 * connection per request ({@code Connection: close}); bodies stream (chunked, Content-Length or
 * until close). Every wait has a deadline except a followed stream's reads, which wait for the next
 * line as long as the user does. A request on the socket needs no key: the file mode is the guard.
 */
public final class UnixSocketTransport implements DaemonTransport {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Path socket;

    public UnixSocketTransport(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    @Override
    public String describe() {
        return "unix://" + socket.toAbsolutePath();
    }

    @Override
    public DaemonResponse send(DaemonRequest request) throws IOException {
        SocketChannel channel = connect();
        SocketChannelIo io = null;
        try {
            io = new SocketChannelIo(channel);
            ByteBuffer head = ByteBuffer.wrap(Http1.requestHead(request, "localhost"));
            io.writeFully(head, WRITE_TIMEOUT);
            if (request.body().length > 0) {
                io.writeFully(ByteBuffer.wrap(request.body()), WRITE_TIMEOUT);
            }
            InputStream in = new BufferedInputStream(io.inputStream(request.readTimeout()), 16 * 1024);
            Http1.Head parsed = Http1.readHead(in);
            InputStream body = Http1.body(request.method(), parsed, in);
            return new DaemonResponse(parsed.status(), parsed.headers(), body, io);
        } catch (IOException | RuntimeException e) {
            if (io != null) {
                io.close();
            } else {
                channel.close();
            }
            throw e;
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // A Unix-socket connect answers at once: it succeeds, or fails with ENOENT/ECONNREFUSED/EACCES.
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new DaemonUnreachableException(unreachableMessage(e), e);
        }
    }

    private String unreachableMessage(IOException e) {
        String where = describe();
        if (!Files.exists(socket)) {
            return "cannot reach the daemon at " + where + ": no such socket (is raptord running? set RAPTOR_SOCKET or --socket)";
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (reason.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
            return "cannot reach the daemon at " + where + ": permission denied (run as root or as a member of the socket's group)";
        }
        return "cannot reach the daemon at " + where + ": " + reason + " (is raptord running?)";
    }
}
