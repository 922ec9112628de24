package dev.raptor.wire.client;

import dev.raptor.wire.testing.CannedDaemon;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many threads an exchange of {@link DaemonHttp} goes through, over a real socket: its answer is read and handed
 * to the waiting caller by the selector thread that saw it arrive, not passed on to a pool thread first (each hand-off
 * is a wake-up, two futex calls and a context switch per request, and on a loaded machine a wait for a core).
 */
class DaemonHttpThreadsTest {
    /** The canned daemon serves one exchange per connection, and says so. */
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
            + "Connection: close\r\n\r\n{\"ok\":true}").getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    @Test
    void answersAreReadOnTheSelectorThreadThatSawThemArrive() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> out.write(ANSWER));
             var http = new DaemonHttp(new DaemonEndpoint.UnixSocket(daemon.socket()), null, null, Duration.ofSeconds(5),
                     Duration.ofSeconds(5), "test")) {
            Set<String> readers = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 40; i++) {
                Request r = http.request(HttpMethod.GET, "/servers");
                r.onResponseBegin(answer -> readers.add(Thread.currentThread().getName()));
                assertThat(new String(http.bytes(r, null))).isEqualTo("{\"ok\":true}");
            }
            // one thread, the client's single selector, parsed all 40 answers
            assertThat(readers).hasSize(1);
        }
    }
}
