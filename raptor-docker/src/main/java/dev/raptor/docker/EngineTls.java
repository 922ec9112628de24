package dev.raptor.docker;

import com.github.dockerjava.core.LocalDirectorySSLConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * TLS to an engine that requires client certificates ({@code dockerd --tlsverify}), from a directory as
 * {@code DOCKER_CERT_PATH} holds it ({@code ca.pem}, {@code cert.pem}, {@code key.pem}): the engine's certificate must
 * chain to {@code ca.pem} and name the host it is reached by; this client shows {@code cert.pem}. docker-java's transport
 * gets it as its {@code SSLConfig}; the connections Raptor opens itself (attach, {@link HijackedConnection}) get their
 * sockets here. The files are read when the first connection is made.
 */
final class EngineTls {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Path certPath;
    private volatile SSLContext context;

    EngineTls(Path certPath) {
        this.certPath = certPath;
    }

    /** As docker-java's transport takes it. */
    @SuppressWarnings("deprecation") // the builder still takes docker-java's deprecated core.SSLConfig
    com.github.dockerjava.core.SSLConfig sslConfig() {
        return new LocalDirectorySSLConfig(certPath.toString());
    }

    private SSLContext context() throws IOException {
        SSLContext c = context;
        if (c == null) {
            try {
                c = sslConfig().getSSLContext();
            } catch (Exception e) {
                throw new IOException("cannot read the engine's TLS files in " + certPath + " (ca.pem, cert.pem, key.pem): " + e.getMessage(), e);
            }
            context = c;
        }
        return c;
    }

    /** A TLS connection to {@code host:port}, the engine's certificate checked against the CA and the host name. */
    HijackedConnection.Wire open(String host, int port) throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new SocketWire(socket);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** An upgraded connection over TLS: its input and output streams may be used by two threads at once. */
    private static final class SocketWire implements HijackedConnection.Wire {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        SocketWire(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public void writeFully(ByteBuffer buffer) throws IOException {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            out.write(bytes);
            out.flush();
        }

        /** TLS 1.3 half-closes with a close_notify, the engine still answering; TLS 1.2 closes both ways. */
        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
