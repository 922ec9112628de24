package dev.raptor.query;

import dev.raptor.core.runtime.Deadline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * TCP with one deadline for the whole exchange: a socket timeout alone restarts at every read, so a
 * peer that drips one byte a second would hold a query forever. Here every read gets only what is
 * left of the deadline.
 */
public final class DeadlineStreams {
    private DeadlineStreams() {
    }

    /** Connects within what is left of the deadline. */
    public static Socket connect(InetSocketAddress address, Deadline deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, millisLeft(deadline));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The socket's input, each read bounded by what is left of the deadline. */
    public static InputStream input(Socket socket, Deadline deadline) throws IOException {
        return new FilterInputStream(socket.getInputStream()) {
            private void arm() throws IOException {
                socket.setSoTimeout(millisLeft(deadline));
            }

            @Override
            public int read() throws IOException {
                arm();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                arm();
                return super.read(b, off, len);
            }
        };
    }

    /** Milliseconds left, at least 1 (0 would mean "no timeout" to a socket). */
    public static int millisLeft(Deadline deadline) throws SocketTimeoutException {
        long left = deadline.remainingMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("the query's deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
