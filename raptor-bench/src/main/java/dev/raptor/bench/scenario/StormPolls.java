package dev.raptor.bench.scenario;

import dev.raptor.bench.stats.Samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every storm poll's send and receive ({@link System#nanoTime()}) and how long the polling thread waited for a CPU
 * during it, so that the slowest polls can be taken apart: the harness starved (its own thread runnable but not
 * running), or the time spent elsewhere. With the daemon's stamps of the same answers ({@code --poll-stamps=1}, the
 * daemon's {@code raptor.api.pollStamps}) each slow poll splits into: to the daemon (send until Jetty read the
 * headers), the wait for a thread to run the handler (the polled list's: one of Jetty's platform threads), the
 * handler, the write, and back to the harness (written until read whole); and "to the daemon" into: to the selector
 * (send until a selector found the connection readable), the read task's wait (until the task that reads it ran; the
 * API parses on the selector itself, so ~0 unless that changes) and the read (until the headers were
 * parsed). A selector stamp older than the send ("?") means the request was read without a fresh wake-up.
 * On Linux {@code nanoTime} is the machine's monotonic clock, so the two processes' stamps compare directly.
 */
final class StormPolls {
    private long[] polls = new long[3 * 4096];
    private int size;

    /** One poll: sent at {@code sent}, read whole at {@code read}, the poller's wait for a CPU meanwhile ({@code -1}: unknown). */
    void add(long sent, long read, long waitedForCpu) {
        if (3 * size == polls.length) {
            polls = Arrays.copyOf(polls, polls.length * 2);
        }
        polls[3 * size] = sent;
        polls[3 * size + 1] = read;
        polls[3 * size + 2] = waitedForCpu;
        size++;
    }

    /** The polls whose time is at least {@code floorNanos}: their time, and the poller's wait for a CPU within them. */
    String starvation(long floorNanos) {
        int slow = 0;
        long waited = 0;
        long took = 0;
        for (int i = 0; i < size; i++) {
            long t = polls[3 * i + 1] - polls[3 * i];
            if (t >= floorNanos && polls[3 * i + 2] >= 0) {
                slow++;
                took += t;
                waited += polls[3 * i + 2];
            }
        }
        return String.format(Locale.ROOT, "%d polls of %s or more took %s together, of which the poller waited for a CPU %s",
                slow, Samples.ms(floorNanos), Samples.ms(took), Samples.ms(waited));
    }

    /** The polls sent within [{@code from}, {@code to}): how many, the slowest, and the poller's wait for a CPU in them. */
    String within(long from, long to) {
        int n = 0;
        long max = 0;
        long waited = 0;
        for (int i = 0; i < size; i++) {
            long sent = polls[3 * i];
            if (sent >= from && sent < to) {
                n++;
                max = Math.max(max, polls[3 * i + 1] - sent);
                waited += Math.max(0, polls[3 * i + 2]);
            }
        }
        return String.format(Locale.ROOT, "%d, the slowest %s, the poller waited for a CPU %s in them together", n, Samples.ms(max),
                Samples.ms(waited));
    }

    /**
     * The {@code count} slowest polls, slowest first, each with its start in the storm, the poller's wait for a CPU and,
     * when {@code stamps} is the daemon's stamp file, where the rest went.
     */
    List<String> slowest(int count, long stormStart, Path stamps) throws IOException {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(polls[3 * b + 1] - polls[3 * b], polls[3 * a + 1] - polls[3 * a]));
        long[][] daemon = stamps == null || !Files.exists(stamps) ? new long[0][] : read(stamps);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < Math.min(count, size); k++) {
            int i = order[k];
            long sent = polls[3 * i];
            long read = polls[3 * i + 1];
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s at +%.2f s: poller waited for a CPU %s",
                    Samples.ms(read - sent), (sent - stormStart) / 1e9, polls[3 * i + 2] < 0 ? "?" : Samples.ms(polls[3 * i + 2])));
            long[] d = within(daemon, sent, read);
            if (d != null) {
                line.append(String.format(Locale.ROOT, "; to the daemon %s (%s), wait for a thread %s, handler %s, write %s, back %s",
                        Samples.ms(Math.max(0, d[0] - sent)), toTheDaemon(d, sent), Samples.ms(Math.max(0, d[1] - d[0])),
                        Samples.ms(Math.max(0, d[2] - d[1])), Samples.ms(Math.max(0, d[3] - d[2])), Samples.ms(Math.max(0, read - d[3]))));
            } else if (daemon.length > 0) {
                line.append("; no daemon stamp within it");
            }
            out.add(line.toString());
        }
        return out;
    }

    /**
     * Over the polls of at least {@code floorNanos} with a daemon stamp: how many, and their time to the daemon split into
     * to the selector, the read task's wait and the read, summed (the polls read without a fresh selector wake-up apart).
     */
    String toTheDaemon(long floorNanos, Path stamps) throws IOException {
        long[] sums = new long[5]; // slow, stale, to the selector, the read task's wait, the read
        forEachSlowStamped(floorNanos, stamps, (d, index) -> {
            int i = (int) index;
            long sent = polls[3 * i];
            sums[0]++;
            if (d[4] < sent || d[5] < d[4]) {
                sums[1]++;
                return;
            }
            sums[2] += d[4] - sent;
            sums[3] += d[5] - d[4];
            sums[4] += Math.max(0, d[0] - d[5]);
        });
        return String.format(Locale.ROOT, "%d stamped polls of %s or more; to the daemon, summed: to the selector %s, the read task's wait %s,"
                        + " the read %s (%d read without a fresh selector wake-up left out)",
                sums[0], Samples.ms(floorNanos), Samples.ms(sums[2]), Samples.ms(sums[3]), Samples.ms(sums[4]), sums[1]);
    }

    /**
     * Over the polls of at least {@code floorNanos} with a daemon stamp: how many, the time between the daemon's headers read
     * and its answer written (the daemon's own), the time before and after that, and of the time after ("back") how much was
     * the polling thread's own wait for a CPU and how much was not: the receiving side's other threads (an HTTP client's
     * selector) or the loopback. A poller that reads its socket itself leaves nothing in that rest but the loopback.
     */
    String harnessSide(long floorNanos, Path stamps) throws IOException {
        long[] sums = new long[7]; // slow, took, to the daemon, in it, back, the poller's wait within back, the rest
        forEachSlowStamped(floorNanos, stamps, (d, index) -> {
            int i = (int) index;
            long sent = polls[3 * i];
            long read = polls[3 * i + 1];
            long back = Math.max(0, read - d[3]);
            long waited = Math.max(0, polls[3 * i + 2]);
            sums[0]++;
            sums[1] += read - sent;
            sums[2] += Math.max(0, d[0] - sent);
            sums[3] += Math.max(0, d[3] - d[0]);
            sums[4] += back;
            sums[5] += Math.min(back, waited);
            sums[6] += Math.max(0, back - waited);
        });
        return String.format(Locale.ROOT, "%d stamped polls of %s or more took %s: to the daemon %s, in the daemon (headers read to answer"
                        + " written) %s, back %s, of which the poller's own wait for a CPU %s and the rest (the receiving side's other"
                        + " threads, the loopback) %s",
                sums[0], Samples.ms(floorNanos), Samples.ms(sums[1]), Samples.ms(sums[2]), Samples.ms(sums[3]), Samples.ms(sums[4]),
                Samples.ms(sums[5]), Samples.ms(sums[6]));
    }

    /** Each poll of at least {@code floorNanos} with the daemon's stamp of its answer: the poll's index and that stamp. */
    private void forEachSlowStamped(long floorNanos, Path stamps, java.util.function.ObjLongConsumer<long[]> slow) throws IOException {
        long[][] daemon = stamps == null || !Files.exists(stamps) ? new long[0][] : read(stamps);
        for (int i = 0; i < size; i++) {
            long sent = polls[3 * i];
            long read = polls[3 * i + 1];
            long[] d = read - sent >= floorNanos ? within(daemon, sent, read) : null;
            if (d != null) {
                slow.accept(d, i);
            }
        }
    }

    /** "To the daemon" of one answer split by its selector and read-task stamps, or why it cannot be. */
    private static String toTheDaemon(long[] d, long sent) {
        if (d[4] < 0) {
            return "no selector stamp";
        }
        if (d[4] < sent || d[5] < d[4]) {
            return "selector ?, read without a fresh wake-up";
        }
        return String.format(Locale.ROOT, "selector %s, read-task wait %s, read %s",
                Samples.ms(d[4] - sent), Samples.ms(d[5] - d[4]), Samples.ms(Math.max(0, d[0] - d[5])));
    }

    /** The daemon's answer whose headers were read within [{@code sent}, {@code read}]: one connection, one at a time. */
    private static long[] within(long[][] daemon, long sent, long read) {
        int lo = 0;
        int hi = daemon.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (daemon[mid][0] < sent) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < daemon.length && daemon[lo][0] <= read ? daemon[lo] : null;
    }

    private static long[][] read(Path stamps) throws IOException {
        List<long[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(stamps)) {
            String[] f = line.strip().split(" ");
            if (f.length == 4 || f.length == 6) { // 4: a daemon from before the selector and read-task stamps
                long[] d = {-1, -1, -1, -1, -1, -1};
                for (int k = 0; k < f.length; k++) {
                    d[k] = Long.parseLong(f[k]);
                }
                out.add(d);
            }
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        return out.toArray(long[][]::new);
    }
}
