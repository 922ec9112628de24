package dev.raptor.api.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every answer the API tests receive, recorded by the fixtures that receive them ({@link TestNode},
 * {@link RawHttp}, the console socket client) and checked against {@code openapi.json} on the spot:
 * an answer that disagrees with its schema fails the test that got it, naming the disagreement. The
 * record is what {@code OpenApiBodiesTest} checks again, as a whole, at the end of the suite.
 */
public final class ApiExchanges {

    /**
     * One answer.
     *
     * @param via         which fixture received it ({@code http}, {@code raw-tcp}, {@code raw-unix})
     * @param route       the documented path template it falls under, null when none
     * @param contentType its Content-Type header, null when it had none
     */
    public record Exchange(String via, String method, String target, String route, int status, String contentType,
                           String body) {
        @Override
        public String toString() {
            return method + " " + target + " -> " + status + " " + contentType + " (" + via + ")";
        }
    }

    private static final ConcurrentLinkedQueue<Exchange> EXCHANGES = new ConcurrentLinkedQueue<>();
    /** Console socket frames are many (floods): counted per event, not kept. */
    private static final Map<String, AtomicLong> FRAMES = new ConcurrentHashMap<>();
    private static final ConcurrentLinkedQueue<String> FRAME_DISAGREEMENTS = new ConcurrentLinkedQueue<>();

    private ApiExchanges() {
    }

    /**
     * Records an HTTP answer and checks it.
     *
     * @throws AssertionError when it disagrees with {@code openapi.json}
     */
    public static void answer(String via, String method, String target, int status, String contentType, String body) {
        OpenApiSchemas schemas = OpenApiSchemas.shipped();
        Exchange e = new Exchange(via, method, target, schemas.template(target).orElse(null), status, contentType,
                body == null ? "" : body);
        EXCHANGES.add(e);
        if (method.equalsIgnoreCase("HEAD")) {
            return; // no body to check
        }
        List<String> wrong = disagreements(e);
        if (!wrong.isEmpty()) {
            throw new AssertionError("the answer to " + e + " disagrees with openapi.json:\n  " + String.join("\n  ", wrong)
                    + "\nbody: " + OpenApiSchemas.abbreviate(e.body()));
        }
    }

    /**
     * Records a console socket frame and checks it against the {@code SocketMessage} schema (and a
     * {@code stats} event's argument against {@code WingsStats}). It returns, rather than throws, what
     * disagrees: it runs on the WebSocket client's thread, where a throw would fail no test.
     */
    public static List<String> frame(String text, String event, List<String> args) {
        OpenApiSchemas schemas = OpenApiSchemas.shipped();
        List<String> wrong = new ArrayList<>(schemas.disagreementsWith("SocketMessage", text));
        if (wrong.isEmpty() && "stats".equals(event) && !args.isEmpty()) {
            wrong.addAll(schemas.disagreementsWith("WingsStats", args.getFirst()));
        }
        if (wrong.isEmpty() && event != null && event.startsWith("operation ") && !args.isEmpty()) {
            wrong.addAll(schemas.disagreementsWith("Operation", args.getFirst()));
        }
        FRAMES.computeIfAbsent(event == null ? "?" : event, k -> new AtomicLong()).incrementAndGet();
        List<String> out = new ArrayList<>();
        for (String w : wrong) {
            out.add(w + " in frame " + OpenApiSchemas.abbreviate(text));
        }
        FRAME_DISAGREEMENTS.addAll(out);
        return out;
    }

    /** Every console socket frame that disagreed, so far in this JVM. */
    public static List<String> frameDisagreements() {
        return List.copyOf(FRAME_DISAGREEMENTS);
    }

    /** How an exchange disagrees with {@code openapi.json}; empty when it agrees. */
    public static List<String> disagreements(Exchange e) {
        if (e.method().equalsIgnoreCase("HEAD")) {
            return List.of();
        }
        return OpenApiSchemas.shipped().disagreements(e.method(), e.route(), e.status(), e.contentType(), e.body());
    }

    /** Every answer recorded so far in this JVM, in order. */
    public static List<Exchange> all() {
        return List.copyOf(EXCHANGES);
    }

    /** The console socket events received so far, by event name. */
    public static Set<String> frameEvents() {
        return Set.copyOf(FRAMES.keySet());
    }
}
