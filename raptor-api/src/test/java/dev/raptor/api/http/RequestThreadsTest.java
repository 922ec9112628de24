package dev.raptor.api.http;

import dev.raptor.api.testing.TestNode;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which thread runs a request's handlers: the polled list answered in place when its answer takes it, else on one of
 * Jetty's platform threads, everything else on a virtual thread of its own; and the poll answered while every carrier of
 * the virtual threads is taken.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestThreadsTest {

    @Test
    void thePolledListIsAnsweredWhileEveryCarrierIsBusy(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir);
             Socket socket = new Socket("127.0.0.1", node.api.port())) {
            TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("carriers-busy", 0));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            // Virtual threads that never park hold every carrier, as a burst of the daemon's own work does for a while:
            // a request read or handled on a virtual thread waits until they let go (here: until the test ends).
            AtomicBoolean release = new AtomicBoolean();
            List<Thread> spinners = new ArrayList<>();
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
            try {
                for (int i = 0; i < carriers; i++) {
                    spinners.add(Thread.ofVirtual().start(() -> {
                        long giveUp = System.nanoTime() + TestNode.HANG.toNanos();
                        while (!release.get() && System.nanoTime() < giveUp) {
                            Thread.onSpinWait();
                        }
                    }));
                }
                socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis()); // only catches the wait for a carrier
                dev.raptor.api.testing.KeptAliveHttp.Answer answer = PolledAnswerTest.get(socket, node.apiKey, false);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("carriers-busy");
            } finally {
                release.set(true);
                for (Thread t : spinners) {
                    t.join();
                }
            }
        }
    }

    @Test
    void onlyThePolledRequestsRunOnPlatformThreads() throws Exception {
        try (Serving s = new Serving(Executors.newVirtualThreadPerTaskExecutor()::execute)) {
            assertThat(s.call("GET", "/polled")).isEqualTo("200 virtual=false");
            assertThat(s.call("POST", "/polled")).isEqualTo("200 virtual=true");
            assertThat(s.call("GET", "/other")).isEqualTo("200 virtual=true");
            assertThat(s.call("GET", "/nobody")).as("a request the handler does not take").startsWith("404");
        }
    }

    @Test
    void aRequestNoThreadTakesIsAnswered503() throws Exception {
        try (Serving s = new Serving(r -> {
            throw new RejectedExecutionException("full");
        })) {
            assertThat(s.call("GET", "/other")).startsWith("503");
            assertThat(s.call("GET", "/polled")).as("the platform threads still take the polled list").isEqualTo("200 virtual=false");
        }
    }

    @Test
    void aPolledRequestAnsweredInPlaceTakesNoThreadAndOneDeclinedGoesToThePlatformThreads() throws Exception {
        // the platform threads refuse every request handed to them: a 200 for the polled path can only come in place
        ThreadPool refusing = new ThreadPool() {
            @Override
            public void join() {
            }

            @Override
            public int getThreads() {
                return 0;
            }

            @Override
            public int getIdleThreads() {
                return 0;
            }

            @Override
            public boolean isLowOnThreads() {
                return true;
            }

            @Override
            public void execute(Runnable command) {
                throw new RejectedExecutionException("no platform thread in this test");
            }
        };
        java.util.concurrent.atomic.AtomicReference<Thread> answeredOn = new java.util.concurrent.atomic.AtomicReference<>();
        RequestThreads.InPlace inPlace = (request, response, callback) -> {
            if (!request.getHeaders().contains("X-In-Place")) {
                return false;
            }
            answeredOn.set(Thread.currentThread());
            response.setStatus(200);
            response.write(true, ByteBuffer.wrap("in place".getBytes(StandardCharsets.US_ASCII)), callback);
            return true;
        };
        try (Serving s = new Serving(Executors.newVirtualThreadPerTaskExecutor()::execute, refusing, inPlace)) {
            assertThat(s.call("GET", "/polled", "X-In-Place", "yes")).isEqualTo("200 in place");
            assertThat(answeredOn.get().isVirtual()).as("answered on the selector thread that read it").isFalse();
            assertThat(s.call("GET", "/polled")).as("declined: handed to the platform threads, which refuse it here").startsWith("503");
            assertThat(s.call("GET", "/other", "X-In-Place", "yes")).as("not a polled request: never offered").isEqualTo("200 virtual=true");
            assertThat(s.call("POST", "/polled", "X-In-Place", "yes")).as("not polled either").isEqualTo("200 virtual=true");
        }
    }

    /** A bare Jetty server: {@link RequestThreads} around a handler that says which kind of thread ran it. */
    private static final class Serving implements AutoCloseable {
        private final Server server;
        private final HttpClient client = HttpClient.newHttpClient();

        Serving(java.util.concurrent.Executor virtual) throws Exception {
            this(virtual, null, RequestThreads.InPlace.NONE);
        }

        /** @param platform the polled requests' threads; null: Jetty's own pool */
        Serving(java.util.concurrent.Executor virtual, ThreadPool platform, RequestThreads.InPlace inPlace) throws Exception {
            QueuedThreadPool pool = new QueuedThreadPool();
            server = new Server(pool);
            server.setDynamic(false);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            RequestThreads threads = new RequestThreads(virtual, platform == null ? pool : platform,
                    r -> "GET".equals(r.getMethod()) && "/polled".equals(r.getHttpURI().getPath()), inPlace);
            threads.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    if (request.getHttpURI().getPath().equals("/nobody")) {
                        return false;
                    }
                    response.setStatus(200);
                    response.write(true, ByteBuffer.wrap(("virtual=" + Thread.currentThread().isVirtual()).getBytes(StandardCharsets.US_ASCII)), callback);
                    return true;
                }
            });
            server.setHandler(threads);
            server.start();
        }

        String call(String method, String path, String... headers) throws Exception {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(TestNode.HANG);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.stop();
        }
    }
}
