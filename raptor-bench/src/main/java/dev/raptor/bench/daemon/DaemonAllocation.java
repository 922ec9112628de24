package dev.raptor.bench.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bytes the daemon's JVM has allocated so far, as its {@code /metrics} says ({@code
 * jvm_gc_memory_allocated_bytes_total}: the young generation's growth, counted at each collection): read before and
 * after a window, its difference over the requests in it is what one request allocates, a count that a busy machine
 * does not change the way it changes times.
 */
public final class DaemonAllocation {
    private static final String NAME = "jvm_gc_memory_allocated_bytes_total";

    private DaemonAllocation() {
    }

    /** Bytes allocated so far; -1 when the figure cannot be read. */
    public static double bytes(int port, String apiKey) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(NAME)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
