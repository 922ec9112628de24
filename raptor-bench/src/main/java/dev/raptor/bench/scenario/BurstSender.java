package dev.raptor.bench.scenario;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends a burst of requests to a daemon from the calling thread, every one of them in flight at once, and waits for
 * their answers: what a panel on another machine does when it sends 100 recreates through an asynchronous client.
 *
 * <p>Why not a thread per request ({@link Parallel} on {@code RaptorClient}): the harness shares the daemon's two
 * cores, and a hundred request threads starting at once (serialising, connecting, each woken by its answer) are a
 * hundred more runnable threads beside the storm's single poller, on the machine the poll is timed on; a panel's
 * burst costs the daemon's machine nothing of the kind. And {@code RaptorClient}'s Jetty client opens at most 64
 * connections to one daemon (Jetty's default), so the 65th request and later waited in the client until an earlier
 * recreate was answered. Here the client's connection limit is the burst's size, its answers are read and completed
 * by its selector thread (no pool thread per answer), and each request's send is stamped so that the burst's
 * arrival can be told: {@link Outcome#spreadNanos()}.
 */
final class BurstSender implements AutoCloseable {
    /** An answer is read whole up to this size (a server's document). */
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    /** One request of a burst: under {@code /api/v1}, with a body of {@code contentType} or none. */
    record Call(HttpMethod method, String path, String contentType, byte[] body) {
    }

    /**
     * A burst's outcome: how many requests failed (no 2xx answer within the limit), how far apart their sends
     * ended: from the first request written whole to the last ({@code -1} when none was), and each answer's
     * {@code Operation-Location} (null where it had none).
     */
    record Outcome(int failed, long spreadNanos, long firstWrittenNanos, List<String> operations) {
    }

    private final HttpClient http;
    private final String base;
    private final String authorization;

    /** A client for the daemon at {@code http://127.0.0.1:port} that keeps up to {@code width} connections to it. */
    BurstSender(int port, String apiKey, int width) {
        this.base = "http://127.0.0.1:" + port + "/api/v1";
        this.authorization = "Bearer " + apiKey;
        QueuedThreadPool pool = new QueuedThreadPool(4, 1);
        pool.setName("bench-burst");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(new ClientConnector());
        // the selector that reads an answer completes its future itself: no hand-off to a pool thread per answer
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        http = new HttpClient(transport);
        http.setExecutor(pool);
        http.setMaxConnectionsPerDestination(width);
        http.setMaxRequestsQueuedPerDestination(Math.max(1024, width));
        http.setFollowRedirects(false);
        // lets go of an idle connection before the daemon does (its keep-alive is 30 s, as Jetty's client's default):
        // a burst sent on connections idle as long as that went out, now and then, on one the daemon was closing, and
        // a PATCH in it failed with an EOFException (storm of 2026-12-07 15:06 and one earlier); as RaptorClient does
        http.setIdleTimeout(15_000);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the burst's HTTP client did not start: " + e, e);
        }
    }

    /**
     * Sends every call at once from the calling thread and waits for all answers, within {@code limit} from the
     * first send. A request without a 2xx answer in time counts as failed (the first three are printed as
     * {@code what failed: ...}).
     */
    Outcome send(List<Call> calls, Duration limit, String what) throws InterruptedException {
        long start = System.nanoTime();
        AtomicLongArray written = new AtomicLongArray(calls.size());
        List<CompletableFuture<ContentResponse>> answers = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            int index = i;
            Request r = http.newRequest(base + c.path()).method(c.method())
                    .headers(h -> h.put(HttpHeader.ACCEPT, "application/json, application/problem+json")
                            .put(HttpHeader.AUTHORIZATION, authorization))
                    .timeout(limit.toMillis(), TimeUnit.MILLISECONDS)
                    .idleTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
                    .onRequestSuccess(sent -> written.set(index, System.nanoTime()));
            if (c.body() != null) {
                r.body(new BytesRequestContent(c.contentType(), c.body()));
            }
            answers.add(new CompletableResponseListener(r, MAX_ANSWER_BYTES).send());
        }
        int failed = 0;
        long deadline = start + limit.toNanos();
        List<String> operations = new ArrayList<>(calls.size());
        for (CompletableFuture<ContentResponse> answer : answers) {
            String problem;
            try {
                ContentResponse r = answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                operations.add(r.getHeaders().get("Operation-Location"));
                problem = HttpStatus.isSuccess(r.getStatus()) ? null
                        : r.getStatus() + " " + new String(r.getContent(), 0, Math.min(300, r.getContent().length), StandardCharsets.UTF_8);
            } catch (ExecutionException e) {
                problem = String.valueOf(e.getCause());
            } catch (TimeoutException e) {
                answer.cancel(true);
                problem = "no answer within " + limit.toSeconds() + " s";
            }
            if (problem != null && failed++ < 3) {
                System.err.println(what + " failed: " + problem);
            }
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < written.length(); i++) {
            long t = written.get(i);
            if (t != 0) {
                first = Math.min(first, t);
                last = Math.max(last, t);
            }
        }
        return first == Long.MAX_VALUE ? new Outcome(failed, -1, -1, operations)
                : new Outcome(failed, last - first, first - start, operations);
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // its threads are daemons: nothing keeps the harness alive
        }
    }
}
