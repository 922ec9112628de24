package dev.raptor.api.http;

import dev.raptor.api.testing.TestNode;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storm diagnostic's connector on a real socket, with the API's thread set-up (a request per virtual thread): each
 * request on a keep-alive connection carries fresh stamps of its own read, in order: sent, a selector found it
 * readable, its read task began, Jetty had its headers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PollStampConnectorTest {

    /** One request's daemon-side stamps: selected, read task started, headers read (nanoTime). */
    private record Stamps(long selected, long started, long headers) {
    }

    @Test
    void everyRequestOnAKeepAliveConnectionIsStampedWhenSelectedAndWhenItsReadTaskRanBeforeItsHeadersWereRead() throws Exception {
        List<Stamps> seen = new CopyOnWriteArrayList<>();
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()));
        Server server = new Server(pool);
        PollStampConnector connector = new PollStampConnector(server, ConnectionBuffers.pool(), 2, new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (request.getConnectionMetaData().getConnection().getEndPoint() instanceof PollStampConnector.StampedEndPoint e) {
                    seen.add(new Stamps(e.selected(), e.started(), request.getHeadersNanoTime()));
                }
                response.getHeaders().put("Content-Length", 2);
                response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.start();
        try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
            socket.setSoTimeout((int) TestNode.HANG.toMillis()); // only catches a hang
            long[] sent = new long[3];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = System.nanoTime();
                exchange(socket);
            }

            assertThat(seen).hasSize(sent.length);
            for (int i = 0; i < sent.length; i++) {
                Stamps s = seen.get(i);
                assertThat(s.selected()).as("request %d selected after its send", i).isGreaterThanOrEqualTo(sent[i]);
                assertThat(s.started()).as("its read task ran after the selector found it").isGreaterThanOrEqualTo(s.selected());
                assertThat(s.headers()).as("its headers read by that task").isGreaterThanOrEqualTo(s.started());
            }
        } finally {
            server.stop();
        }
    }

    /** Sends one keep-alive GET and reads its 2-byte answer whole. */
    private static void exchange(Socket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET /api/v1/servers HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the answer's head").isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
    }
}
