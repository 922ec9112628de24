package dev.raptor.wire.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP side of a {@link RaptorClient}: one Jetty {@link HttpClient} (HTTP/1.1, over TCP or the
 * daemon's Unix socket: every exchange is given Jetty's Unix-domain {@link Transport.TCPUnix}, which
 * replaced the deprecated {@code ClientConnector.forUnixDomain}), the credential, and the
 * rules every call follows: a deadline on each exchange, error answers read as {@link Problem}s,
 * failures sorted into the three {@link RaptorException}s.
 */
final class DaemonHttp implements AutoCloseable {
    static final String API = "/api/v1";
    /** Answers are read whole up to this size (the server list of a big node is a few MiB). */
    private static final int MAX_ANSWER_BYTES = 256 * 1024 * 1024;
    /**
     * How long a connection may sit idle in the pool before the client closes it: well under the daemon's
     * keep-alive ({@code ApiServer}: 30 s, Jetty's default, as most servers'). A pool that keeps a
     * connection as long as the server does reuses it just as the server closes it: the request goes out on a
     * socket whose FIN is already on its way and fails, and a {@code PATCH} or a power action cannot be sent
     * again blindly (the daemon may have read it). So the client lets go first and opens a new connection.
     */
    static final Duration POOLED_IDLE = Duration.ofSeconds(15);

    private final DaemonEndpoint endpoint;
    /** {@code Bearer <credential>}, or null: what every request and WebSocket upgrade carries. */
    final String authorization;
    private final Duration requestTimeout;
    /** The Jetty client, which the WebSocket client shares (see {@link WebSocketConnector}). */
    final HttpClient http;
    private final Transport unix;
    private final String origin;

    DaemonHttp(DaemonEndpoint endpoint, String bearer, SSLContext trusted, Duration connectTimeout, Duration requestTimeout, String userAgent) {
        this.endpoint = endpoint;
        this.authorization = bearer == null || bearer.isBlank() ? null : "Bearer " + bearer.strip();
        this.requestTimeout = requestTimeout;
        switch (endpoint) {
            case DaemonEndpoint.UnixSocket s -> {
                this.unix = new Transport.TCPUnix(s.path());
                this.origin = "http://localhost";
            }
            case DaemonEndpoint.Http h -> {
                this.unix = null;
                this.origin = h.base().toString();
            }
        }
        // A small pool of daemon threads: the client never keeps a JVM alive (raptorctl exits without
        // closing it), and a short command does not pay for threads it will not use.
        QueuedThreadPool pool = new QueuedThreadPool(16, 1);
        pool.setName("raptor-client");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        // HTTP/1.1 only, what the daemon speaks: no protocol negotiation to load and run on every call
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(connectTimeout);
        if (!(endpoint instanceof DaemonEndpoint.Http h && "https".equals(h.base().getScheme()))) {
            // No TLS on the socket or over http://. Jetty starts a TLS context whether it is used or not, and
            // starting one reads the JDK's trust store, a good part of a short raptorctl call; one that is
            // never started costs nothing.
            SslContextFactory.Client unused = new SslContextFactory.Client();
            connector.setSslContextFactory(unused);
            connector.unmanage(unused);
        } else if (trusted != null) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(trusted);
            connector.setSslContextFactory(tls);
        }
        Http11 transport = new Http11(connector, unix);
        // The selector thread that reads an answer parses it and completes the caller's future itself, instead of
        // handing each readable connection to a pool thread first: every listener of this class only sets a flag,
        // queues bytes (InputStreamResponseListener) or completes a future, none blocks. That hand-off was a
        // wake-up per request: 7.7 context switches and 17.5 system calls per request -> 4.5-5 and 9.6 on loopback.
        // A WebSocket's frames, after its upgrade, are still dispatched (its connection
        // is a blocking one), so a console listener may block as before.
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        this.http = new HttpClient(transport);
        http.setExecutor(pool);
        http.setScheduler(new ScheduledExecutorScheduler("raptor-client-timer", true));
        http.setConnectTimeout(connectTimeout.toMillis());
        // between exchanges; each exchange sets its own idle timeout (its deadline) while it runs
        http.setIdleTimeout(Math.min(requestTimeout.toMillis(), POOLED_IDLE.toMillis()));
        http.setFollowRedirects(false);
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client did not start: " + e, e);
        }
    }

    DaemonEndpoint endpoint() {
        return endpoint;
    }

    /** The URI of {@code path} under {@code /api/v1}, with the scheme a WebSocket needs when {@code ws}. */
    URI uri(String path, boolean ws) {
        String base = origin;
        if (ws) {
            base = base.startsWith("https:") ? "wss:" + base.substring(6) : "ws:" + base.substring(5);
        }
        return URI.create(base + API + path);
    }

    /** A request to {@code path} under {@code /api/v1} ({@code /servers?state=running}), credential included. */
    Request request(HttpMethod method, String path) {
        Request r = http.newRequest(uri(path, false)).method(method)
                .headers(h -> h.put(HttpHeader.ACCEPT, "application/json, application/problem+json"));
        if (authorization != null) {
            r.headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
        }
        return r;
    }

    /** {@link #request} with {@code document} as its JSON body, written by the contract's mapper. */
    Request request(HttpMethod method, String path, Object document, String contentType) {
        return request(method, path).body(new BytesRequestContent(contentType, WireJson.writeBytes(document)));
    }

    /** The exchange's answer when it is a success, read as {@code type}; {@code timeout} null: the client's default. */
    <T> T json(Request request, Class<T> type, Duration timeout) {
        ContentResponse r = success(request, timeout);
        return read(request, r.getContent(), type);
    }

    /** The exchange's answer when it is a success, as bytes. */
    byte[] bytes(Request request, Duration timeout) {
        return success(request, timeout).getContent();
    }

    /** An exchange whose success has no body worth reading (204). */
    void send(Request request, Duration timeout) {
        success(request, timeout);
    }

    /** The answer whatever its status (for {@code /health}, whose 503 carries the same document). */
    ContentResponse any(Request request, Duration timeout) {
        return exchange(request, timeout);
    }

    <T> T read(Request request, byte[] body, Class<T> type) {
        try {
            return WireJson.mapper().readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new RaptorIoException("the daemon's answer to " + describe(request) + " is not a " + type.getSimpleName()
                    + " document: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new RaptorIoException("reading the daemon's answer to " + describe(request) + " failed: " + e.getMessage(), e);
        }
    }

    private ContentResponse success(Request request, Duration timeout) {
        ContentResponse r = exchange(request, timeout);
        if (!HttpStatus.isSuccess(r.getStatus())) {
            throw problem(r.getStatus(), r.getMediaType(), r.getContent());
        }
        return r;
    }

    private ContentResponse exchange(Request request, Duration timeout) {
        Duration deadline = timeout == null ? requestTimeout : timeout;
        AtomicBoolean connected = new AtomicBoolean();
        // The connection's idle timeout is the default request timeout; a request allowed longer (a compress, a power
        // action waiting for its outcome) stays silent until its answer, so its own idle timeout is its deadline.
        request.onRequestBegin(r -> connected.set(true)).timeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(Math.max(deadline.toMillis(), requestTimeout.toMillis()), TimeUnit.MILLISECONDS);
        try {
            return new CompletableResponseListener(request, MAX_ANSWER_BYTES).send().get();
        } catch (ExecutionException e) {
            throw failure(request, e.getCause() == null ? e : e.getCause(), connected.get(), deadline);
        } catch (InterruptedException e) {
            throw interrupted(request, e);
        }
    }

    /**
     * Sends {@code request} and hands over its body as it streams (a followed log), once the answer's head
     * has come (within the client's request timeout). The exchange itself has no deadline: it lasts as
     * long as the daemon sends and the caller reads; closing the stream ends it.
     */
    InputStream stream(Request request) {
        return open(request).body();
    }

    /** An answer being received: its head, and its body as it arrives (the caller closes it). */
    record Opened(Response head, InputStream body) {
    }

    /** {@link #stream}, with the answer's head (its length, its type). */
    Opened open(Request request) {
        AtomicBoolean connected = new AtomicBoolean();
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.onRequestBegin(r -> connected.set(true)).idleTimeout(0, TimeUnit.MILLISECONDS).send(listener);
        Response head;
        try {
            head = listener.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            throw failure(request, e, connected.get(), requestTimeout);
        } catch (ExecutionException e) {
            throw failure(request, e.getCause() == null ? e : e.getCause(), connected.get(), requestTimeout);
        } catch (InterruptedException e) {
            throw interrupted(request, e);
        }
        InputStream body = listener.getInputStream();
        if (!HttpStatus.isSuccess(head.getStatus())) {
            byte[] content;
            try (body) {
                content = body.readNBytes(64 * 1024);
            } catch (IOException e) {
                content = new byte[0];
            }
            throw problem(head.getStatus(), head.getHeaders().get(HttpHeader.CONTENT_TYPE), content);
        }
        return new Opened(head, body);
    }

    /**
     * An exchange that takes as long as its body takes to send (an upload of any size): no deadline but the
     * connection's idle one (the client's request timeout without a byte moving); its answer read as {@code type}.
     */
    <T> T transfer(Request request, Class<T> type) {
        AtomicBoolean connected = new AtomicBoolean();
        request.onRequestBegin(r -> connected.set(true)).idleTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ContentResponse r;
        try {
            r = new CompletableResponseListener(request, MAX_ANSWER_BYTES).send().get();
        } catch (ExecutionException e) {
            throw failure(request, e.getCause() == null ? e : e.getCause(), connected.get(), requestTimeout);
        } catch (InterruptedException e) {
            throw interrupted(request, e);
        }
        if (!HttpStatus.isSuccess(r.getStatus())) {
            throw problem(r.getStatus(), r.getMediaType(), r.getContent());
        }
        return read(request, r.getContent(), type);
    }

    static RaptorProblemException problem(int status, String contentType, byte[] body) {
        return RaptorProblemException.fromAnswer(status, contentType, body);
    }

    /** The calling thread was interrupted while it waited: the exchange is abandoned, the interrupt kept. */
    private static RaptorIoException interrupted(Request request, InterruptedException e) {
        request.abort(e);
        Thread.currentThread().interrupt();
        return new RaptorIoException(describe(request) + " was interrupted", e);
    }

    /** Sorts a failed exchange: no connection (unreachable), or a broken or late one (I/O). */
    RaptorException failure(Request request, Throwable cause, boolean connected, Duration deadline) {
        if (cause instanceof RaptorException r) {
            return r;
        }
        if (!connected) {
            return new RaptorUnreachableException(endpoint, unreachableReason(cause, deadline), cause);
        }
        if (cause instanceof TimeoutException) {
            return new RaptorIoException("the daemon at " + endpoint.describe() + " did not answer " + describe(request)
                    + " within " + seconds(deadline), cause);
        }
        return new RaptorIoException(describe(request) + " to the daemon at " + endpoint.describe() + " failed: "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
    }

    private String unreachableReason(Throwable cause, Duration deadline) {
        if (endpoint instanceof DaemonEndpoint.UnixSocket s && !Files.exists(s.path())) {
            return "no such socket (is raptord running?)";
        }
        if (cause instanceof TimeoutException) {
            return "no connection within " + seconds(deadline);
        }
        if (cause instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (reason.toLowerCase(Locale.ROOT).contains("permission")) {
            return "permission denied (run as root or as a member of the socket's group)";
        }
        if (cause instanceof ConnectException || reason.toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused (is raptord running?)";
        }
        return reason;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static String describe(Request r) {
        return r.getMethod() + " " + r.getPath();
    }

    /** One path segment, percent-encoded. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * HTTP/1.1, and over the Unix socket every exchange goes to it: the requests of this class and the
     * WebSocket upgrades Jetty's WebSocket client builds for itself, which no per-request setting reaches
     * in time (a request's transport must be known when its destination is chosen, here).
     */
    private static final class Http11 extends HttpClientTransportOverHTTP {
        private final Transport unix;

        Http11(ClientConnector connector, Transport unix) {
            super(connector);
            this.unix = unix;
        }

        @Override
        public Origin newOrigin(Request request) {
            if (unix != null) {
                request.transport(unix);
            }
            return super.newOrigin(request);
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // closing anyway: the pool's threads are daemons
        }
    }
}
