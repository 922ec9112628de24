package dev.raptor.bench.daemon;

import dev.raptor.daemon.launch.DaemonProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's own record of the time it spent in engine calls ({@code raptor_engine_call_seconds_sum} on
 * its {@code /metrics}, timed around each docker-java call, as the reference times its own): read before
 * and after a round, the difference is what the engine took of that round on the daemon's side, by call.
 * Scraped between rounds, never inside a timed one.
 */
public final class EngineCallTimes implements AutoCloseable {
    private static final Pattern SUM = Pattern.compile(
            "^raptor_engine_call_seconds_sum\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern CALL = Pattern.compile("call=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI metrics;
    private final String apiKey;

    public EngineCallTimes(DaemonProcess daemon) {
        this.metrics = URI.create(daemon.origin() + "/metrics");
        this.apiKey = daemon.apiKey();
    }

    /** Seconds spent so far in each engine call (every outcome summed), by call name. */
    public Map<String, Double> totals() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + metrics + " answered " + r.statusCode());
        }
        return parse(r.body());
    }

    /** The per-call sums of a Prometheus text exposition. */
    static Map<String, Double> parse(String exposition) {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = SUM.matcher(exposition);
        while (m.find()) {
            Matcher call = CALL.matcher(m.group(1));
            if (call.find()) {
                out.merge(call.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    /** after - before, in nanoseconds, by call (calls that did not move are left out). */
    public static Map<String, Long> spent(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((call, s) -> {
            long nanos = Math.round((s - before.getOrDefault(call, 0.0)) * 1e9);
            if (nanos > 0) {
                out.put(call, nanos);
            }
        });
        return out;
    }

    @Override
    public void close() {
        http.close();
    }
}
