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
 *
 * <p>A paced poll ({@code --poll-rate}) has an intended start besides its send: its time runs from the intended start
 * (a poll sent late, behind a slow one or after the polling thread's wait for a CPU, counts the delay), and the slow
 * ones say how late they were sent. The daemon's stamps are matched by the send.
 */
final class StormPolls {
    /** Per poll: intended start, sent, read whole, the poller's wait for a CPU. */
    private static final int STRIDE = 4;
    private long[] polls = new long[STRIDE * 4096];
    private int size;
    /** The run queue during the polls, when known ({@link #runnable}). */
    private java.util.function.LongBinaryOperator runnable;

    /** One poll sent when it was meant to be (back to back): {@link #add(long, long, long, long)} with the send as its start. */
    void add(long sent, long read, long waitedForCpu) {
        add(sent, sent, read, waitedForCpu);
    }

    /**
     * One poll: meant to start at {@code intended}, sent at {@code sent}, read whole at {@code read}, the poller's wait for a
     * CPU meanwhile, its wake-up for the intended start included ({@code -1}: unknown). Its time is {@code read - intended}.
     */
    void add(long intended, long sent, long read, long waitedForCpu) {
        if (STRIDE * size == polls.length) {
            polls = Arrays.copyOf(polls, polls.length * 2);
        }
        polls[STRIDE * size] = intended;
        polls[STRIDE * size + 1] = sent;
        polls[STRIDE * size + 2] = read;
        polls[STRIDE * size + 3] = waitedForCpu;
        size++;
    }

    private long intended(int i) {
        return polls[STRIDE * i];
    }

    private long sent(int i) {
        return polls[STRIDE * i + 1];
    }

    private long read(int i) {
        return polls[STRIDE * i + 2];
    }

    private long waited(int i) {
        return polls[STRIDE * i + 3];
    }

    /** The poll's time: from its intended start until its answer was read whole. */
    private long took(int i) {
        return read(i) - intended(i);
    }

    /** The polls whose time is at least {@code floorNanos}: their time, and the poller's wait for a CPU within them. */
    String starvation(long floorNanos) {
        int slow = 0;
        long waited = 0;
        long took = 0;
        for (int i = 0; i < size; i++) {
            long t = took(i);
            if (t >= floorNanos && waited(i) >= 0) {
                slow++;
                took += t;
                waited += waited(i);
            }
        }
        return String.format(Locale.ROOT, "%d polls of %s or more took %s together, of which the poller waited for a CPU %s",
                slow, Samples.ms(floorNanos), Samples.ms(took), Samples.ms(waited));
    }

    /** The polls meant to start within [{@code from}, {@code to}): how many, the slowest, and the poller's wait for a CPU in them. */
    String within(long from, long to) {
        int n = 0;
        long max = 0;
        long waited = 0;
        for (int i = 0; i < size; i++) {
            long start = intended(i);
            if (start >= from && start < to) {
                n++;
                max = Math.max(max, took(i));
                waited += Math.max(0, waited(i));
            }
        }
        return String.format(Locale.ROOT, "%d, the slowest %s, the poller waited for a CPU %s in them together", n, Samples.ms(max),
                Samples.ms(waited));
    }

    /**
     * The machine's run queue while the polls ran ({@code maxBetween(fromNanos, toNanos)}, e.g. {@code RunQueue::maxBetween}):
     * each of the slowest polls then says how many threads wanted the two cores during it (the storm's worst polls
     * fall where the engine's {@code runc} processes, hundreds of threads, hold both; bench README, round 11).
     */
    void runnable(java.util.function.LongBinaryOperator maxBetween) {
        this.runnable = maxBetween;
    }

    /**
     * The {@code count} slowest polls, slowest first, each with its start in the storm, the poller's wait for a CPU and,
     * when {@code stamps} is the daemon's stamp file, where the rest went.
     */
    List<String> slowest(int count, long stormStart, Path stamps) throws IOException {
        return slowest(count, stormStart, stamps, false);
    }

    /**
     * {@link #slowest(int, long, Path)} of the polls sent within 1 ms of their intended start: where the stalls began (a
     * paced poll held up behind a slow one is slow for that one's sake).
     */
    List<String> slowestSentOnTime(int count, long stormStart, Path stamps) throws IOException {
        return slowest(count, stormStart, stamps, true);
    }

    private List<String> slowest(int count, long stormStart, Path stamps, boolean onTime) throws IOException {
        Integer[] order = java.util.stream.IntStream.range(0, size).filter(i -> !onTime || sent(i) - intended(i) < 1_000_000L)
                .boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Long.compare(took(b), took(a)));
        long[][] daemon = stamps == null || !Files.exists(stamps) ? new long[0][] : read(stamps);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < Math.min(count, order.length); k++) {
            int i = order[k];
            long sent = sent(i);
            long read = read(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s at +%.2f s: %spoller waited for a CPU %s",
                    Samples.ms(took(i)), (intended(i) - stormStart) / 1e9,
                    sent > intended(i) ? "sent " + Samples.ms(sent - intended(i)) + " late; " : "",
                    waited(i) < 0 ? "?" : Samples.ms(waited(i))));
            if (runnable != null) {
                long r = runnable.applyAsLong(sent, read);
                line.append(r < 0 ? "; runnable threads ?" : "; runnable threads up to " + r);
            }
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
            long sent = sent(i);
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
            long sent = sent(i);
            long read = read(i);
            long back = Math.max(0, read - d[3]);
            long waited = Math.max(0, waited(i));
            sums[0]++;
            sums[1] += took(i);
            sums[2] += Math.max(0, d[0] - intended(i));
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
            long[] d = took(i) >= floorNanos ? within(daemon, sent(i), read(i)) : null;
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
