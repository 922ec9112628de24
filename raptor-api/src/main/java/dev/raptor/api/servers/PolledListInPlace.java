package dev.raptor.api.servers;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.http.ClientAddress;
import dev.raptor.api.http.PollStamps;
import dev.raptor.api.http.PolledAnswer;
import dev.raptor.api.http.RequestThreads;
import dev.raptor.api.http.Responses;
import dev.raptor.metrics.ApiMetrics;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A panel's poll of the server list answered where Jetty read it: on the selector thread, below Javalin, without handing
 * the request to another thread, and written asynchronously, so that no thread waits for a client slow to read.
 *
 * <p>Why: a panel polls {@code GET /servers} back to back. Through Javalin a poll was two waits for a core (the selector's
 * wake-up, then the platform thread's the request was handed to) and ~5.8 KB of garbage (the servlet request, Javalin's
 * context, their wrappers); in place it is one wait and ~2 KB (Jetty's own request), about half the daemon's CPU per
 * poll. Under the bench's storm (100 recreates on two cores) that is fewer collections and one wake-up fewer exposed to
 * the engine's bursts of {@code runc} (bench README, round 13).
 *
 * <p>Only the ordinary poll is answered here: {@code GET /api/v1/servers} without a query, over the Unix socket or with
 * this node's API key from an address that is not blocked, with no {@code Origin} (a browser's page: CORS) and no
 * {@code X-HTTP-Method-Override}. Everything else (no credential, a wrong one, a server token, a blocked address, a
 * filter, a browser) is declined, untouched, and answered by the routes as before: every refusal, problem body and count
 * of a refused credential keeps one author ({@link Authenticator}, the routes' handlers). What is answered here is the
 * routes' own answer: the same bytes ({@link ServerRoutes#polledBody}, one {@link PolledAnswer} for both), the same
 * headers (those Javalin and the routes set: {@code Content-Type}, {@code Vary}, {@code Content-Encoding},
 * {@code Content-Length}; Jetty adds {@code Date} to both), the same request metrics and debug log line.
 */
public final class PolledListInPlace implements RequestThreads.InPlace {
    private static final Logger log = LoggerFactory.getLogger(PolledListInPlace.class);
    private static final String METHOD = "GET";

    private final ServerRoutes servers;
    private final Authenticator authenticator;
    private final ApiMetrics requests;
    private final String route;

    /**
     * @param route the list's route pattern as the routes' metrics name it ({@code /api/v1/servers})
     */
    public PolledListInPlace(ServerRoutes servers, Authenticator authenticator, ApiMetrics requests, String route) {
        this.servers = servers;
        this.authenticator = authenticator;
        this.requests = requests;
        this.route = route;
    }

    @Override
    public boolean answer(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        if (!METHOD.equals(request.getMethod()) || request.getHttpURI().getQuery() != null) {
            return false;
        }
        HttpFields headers = request.getHeaders();
        if (headers.contains(HttpHeader.ORIGIN) || headers.contains("X-HTTP-Method-Override")) {
            return false;
        }
        boolean unixSocket = request.getConnectionMetaData().getLocalSocketAddress() instanceof UnixDomainSocketAddress;
        if (!unixSocket && !authenticator.isNodeKey(headers.get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request),
                headers.get(ClientAddress.FORWARDED_FOR))) {
            return false;
        }
        PolledAnswer.Body body;
        try {
            body = servers.polledBody(headers.get(HttpHeader.ACCEPT_ENCODING));
        } catch (RuntimeException e) {
            // not expected (kept bytes, in memory); the routes answer it, with a problem body if it fails there too
            log.warn("the polled list could not be answered in place; the routes answer it", e);
            return false;
        }
        long ready = System.nanoTime();
        response.setStatus(200);
        HttpFields.Mutable out = response.getHeaders();
        out.put(HttpHeader.CONTENT_TYPE, Responses.JSON);
        out.add(HttpHeader.VARY, "Accept-Encoding");
        if (body.encoding() != null) {
            out.put(HttpHeader.CONTENT_ENCODING, body.encoding());
        }
        out.put(HttpHeader.CONTENT_LENGTH, body.bytes().length);
        response.write(true, ByteBuffer.wrap(body.bytes()), callback);
        PollStamps.writtenInPlace(request, start, ready);
        long headersRead = request.getHeadersNanoTime();
        requests.recordWait(METHOD, route, Duration.ofNanos(Math.max(0, start - headersRead)));
        requests.record(METHOD, route, 200, Duration.ofNanos(System.nanoTime() - start));
        if (log.isDebugEnabled()) {
            log.debug("{} {} -> {} in {} ms (answered in place)", METHOD, request.getHttpURI().getPath(), 200,
                    Math.round((System.nanoTime() - start) / 1e6));
        }
        return true;
    }
}
