package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.bench.daemon.ConsoleCounter;
import dev.raptor.bench.daemon.FloodTally;
import dev.raptor.bench.stats.ProcessCpu;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.client.RaptorClient;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Console fan-out: one running server floods {@code line 1} … {@code line N}; the rate at which that
 * reaches 1 and 100 console WebSockets is compared with {@code docker logs -f} following the same
 * container during the same flood. A consumer's rate is N divided by the time from sending the
 * {@code flood N} command to that consumer receiving {@code line N}; for 100 sockets the slowest one
 * counts.
 *
 * <p>What makes the figure Raptor's:
 * <ul>
 *   <li><b>Readers as cheap as each other.</b> Both sides are read as bytes and scanned once for line
 *       ends ({@link FloodTally}): the sockets' frames where the WebSocket client read them
 *       ({@link ConsoleCounter}), {@code docker logs -f}'s pipe in 64 KiB reads. Before, the 100 socket
 *       readers decoded every message to a string and parsed its JSON, and spent two to four times the
 *       daemon's CPU on the same two cores, so the figure measured the reader.</li>
 *   <li><b>A flood long enough to be steady</b> (40,000 lines by default, twice the earlier 20,000, and
 *       within a console socket's queue of 50,000 lines, so that a reader the two cores cannot serve at
 *       once meets a late line and not the announced drop of its oldest ones; 100,000 did drop at load 20+),
 *       and <b>one that the reference follows honestly</b>: every flood runs on a fresh server, whose
 *       container's {@code json-file} log (10 MiB before it rotates) holds the whole flood, because
 *       {@code docker logs -f} repeats and loses lines across a rotation. A {@code --lines} whose flood would
 *       not fit is refused, and every flood checks that each consumer, the reference included, got every
 *       line once and in order.</li>
 * </ul>
 * Per flood it prints the CPU seconds each party used (from {@code /proc}; the harness's socket readers
 * apart from its {@code docker logs -f} reader) and the daemon's messages, frames and bytes per line.
 */
public final class FanoutScenario implements Scenario {
    private static final Duration FLOOD_LIMIT = Duration.ofMinutes(3);
    /** The default flood: long enough to be steady, short enough for the container's log (see {@link #LOG_BYTES_PER_LINE}). */
    static final int DEFAULT_LINES = 40_000;
    /** A {@code json-file} log entry of {@code line <n>} without its digits: {"log":"line \n","stream":"stdout","time":"…"} + newline. */
    static final int LOG_BYTES_PER_LINE = 76;
    /** Room in the container's log for its boot banner and the harness's ping lines. */
    private static final long LOG_SLACK_BYTES = 64 * 1024;

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public String description() {
        return "console lines/s to 1 and 100 WebSockets vs docker logs -f on the same flood, both read as bytes; each flood on a "
                + "fresh server whose json-file log holds it unrotated (--lines=" + DEFAULT_LINES + ", at most what fits in 10 MiB; --repeats=3)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int lines = bench.intOption("lines", DEFAULT_LINES);
        int repeats = bench.intOption("repeats", 3);
        if (lines < 1 || repeats < 1) {
            throw new IllegalArgumentException("--lines and --repeats must be at least 1");
        }
        DaemonProcess daemon = bench.startDaemon("fanout");
        List<Result> out = new ArrayList<>();
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            for (int attached : new int[]{1, 100}) {
                double[] socketRates = new double[repeats];
                double[] engineRates = new double[repeats];
                long delivered = 0;
                long dropNotices = 0;
                int exact = 0;
                int engineExact = 0;
                for (int r = 0; r < repeats; r++) {
                    Flood f = floodOnFreshServer(bench, api, daemon.pid(), attached, lines);
                    socketRates[r] = f.slowestSocketRate;
                    engineRates[r] = f.engineRate;
                    delivered += f.delivered;
                    dropNotices += f.dropNotices;
                    exact += f.exactSockets;
                    engineExact += f.engineExact ? 1 : 0;
                    System.out.printf(Locale.ROOT, "fanout: %d socket(s), flood %d: slowest socket %.0f lines/s, docker logs -f %.0f lines/s, "
                                    + "lines delivered %d of %d (every line once and in order: %d of %d sockets, docker logs -f %s), "
                                    + "lines reported dropped %d%n", attached, lines, f.slowestSocketRate, f.engineRate,
                            f.delivered, (long) lines * attached, f.exactSockets, attached, f.engineExact ? "yes" : "NO", f.dropNotices);
                }
                double socket = median(socketRates);
                double engine = median(engineRates);
                // a rate counts only if every line came once and in order, to every socket and to the reference:
                // a socket that skipped lines (the daemon drops a lagging socket's oldest) reaches the last line sooner
                boolean honest = exact == attached * repeats && engineExact == repeats;
                out.add(new Result(name(), "console lines/s to " + attached + " socket" + (attached > 1 ? "s (slowest)" : "")
                        + ", flood " + lines + ", median of " + repeats,
                        String.format(Locale.ROOT, "%.0f/s", socket), String.format(Locale.ROOT, "%.0f/s (docker logs -f)", engine),
                        Result.ratio(socket, engine), ">= 0.95x, every line once",
                        Result.verdict(honest && socket >= 0.95 * engine)));
                out.add(Result.context(name(), "flood lines delivered to " + attached + " socket(s) / sent, lines the daemon reported dropped; "
                                + "floods with every line once and in order: sockets, docker logs -f",
                        delivered + " / " + (long) lines * attached * repeats + ", " + dropNotices + "; " + exact + " of " + attached * repeats
                                + ", " + engineExact + " of " + repeats, "-", "-"));
            }
            return out;
        } finally {
            bench.cleanupContainers();
        }
    }

    private record Flood(double slowestSocketRate, double engineRate, long delivered, long dropNotices, int exactSockets,
                         boolean engineExact) {
    }

    /** One flood on a server of its own (so that its container's log holds the whole flood), with {@code attached} sockets. */
    private Flood floodOnFreshServer(Bench bench, RaptorClient api, long daemonPid, int attached, int lines) throws Exception {
        UUID id = Calls.create(api, bench.idleServer("fanout"));
        List<ConsoleCounter> sockets = new ArrayList<>();
        try {
            Calls.power(api, id, "start");
            String container = "raptor-" + id;
            requireLogHolds(bench, container, lines);
            while (sockets.size() < attached) {
                sockets.add(ConsoleCounter.open(api, id, Duration.ofSeconds(10)));
            }
            return flood(bench, api, daemonPid, id, container, sockets, lines);
        } finally {
            // sockets first: closing the client waits for open WebSockets
            Parallel.closeAll(sockets);
            Calls.delete(api, id, true);
        }
    }

    /**
     * Refuses a flood that would not fit in the container's {@code json-file} log: {@code docker logs -f} repeats and loses
     * lines when the log rotates, and the reference would no longer be honest.
     */
    private static void requireLogHolds(Bench bench, String container, int lines) {
        Map<String, String> config = bench.raw().client().inspectContainerCmd(container).exec().getHostConfig().getLogConfig().getConfig();
        String maxSize = config == null ? null : config.get("max-size");
        if (maxSize == null) {
            return; // no rotation
        }
        long limit = bytes(maxSize);
        long needed = (long) lines * (LOG_BYTES_PER_LINE + String.valueOf(lines).length()) + LOG_SLACK_BYTES;
        if (needed > limit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--lines=%d logs about %.1f MiB, more than the container's "
                            + "json-file log holds before it rotates (max-size %s): docker logs -f repeats and loses lines across a rotation, "
                            + "so the reference would not be honest; use at most %d lines", lines, needed / 1048576.0, maxSize,
                    (limit - LOG_SLACK_BYTES) / (LOG_BYTES_PER_LINE + String.valueOf(lines).length())));
        }
    }

    /** Docker's size notation: {@code 10m}, {@code 512k}, {@code 1g}, or bytes. */
    static long bytes(String size) {
        String s = size.strip().toLowerCase(Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    /** {@code docker logs -f}'s output, read as the sockets are: bytes scanned for line ends, on a thread whose CPU is counted. */
    private static final class EngineReader implements Runnable {
        private final InputStream in;
        private final FloodTally tally = new FloodTally();
        private final CountDownLatch attached = new CountDownLatch(1);
        private final CountDownLatch marker = new CountDownLatch(1);
        private final long markerLine;
        private volatile boolean resetPending;
        private volatile long markerAtNanos;

        EngineReader(InputStream in, long markerLine) {
            this.in = in;
            this.markerLine = markerLine;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[64 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (resetPending) {
                        tally.reset();
                        resetPending = false;
                    }
                    tally.plain(buffer, 0, n);
                    if (tally.counts().lines() > 0) {
                        attached.countDown();
                    }
                    if (markerAtNanos == 0 && tally.last() >= markerLine) {
                        markerAtNanos = System.nanoTime();
                        marker.countDown();
                    }
                }
            } catch (IOException e) {
                // the process was ended
            }
        }

        /** Counts afresh from the next read: the lines before the flood (the pings) are not the flood's. */
        void reset() {
            resetPending = true;
        }

        /** What was counted; only once the reading thread has ended (joined). */
        FloodTally.Counts counts() {
            return tally.counts();
        }
    }

    private Flood flood(Bench bench, RaptorClient api, long daemonPid, UUID id, String container, List<ConsoleCounter> sockets, int lines)
            throws Exception {
        for (ConsoleCounter s : sockets) {
            s.resetCounts();
            s.watchFor(lines);
        }
        Process logs = new ProcessBuilder("docker", "-H", bench.dockerHost(), "logs", "-f", "--tail", "0", container)
                .redirectErrorStream(true).start();
        EngineReader engine = new EngineReader(logs.getInputStream(), lines);
        Thread reader = Thread.ofPlatform().name("fanout-docker-logs").daemon().start(engine);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            // let `docker logs -f` attach before the flood: a ping line it must see first
            String ping = "say bench-ready-" + System.nanoTime();
            long attachStart = System.nanoTime();
            while (!engine.attached.await(200, TimeUnit.MILLISECONDS) && !Bench.past(attachStart, Duration.ofSeconds(20))) {
                api.server(id).command(ping);
            }
            Thread.sleep(300);
            engine.reset(); // the reader is idle now: the pings were read
            for (ConsoleCounter s : sockets) {
                s.resetCounts(); // the sockets got the pings too
            }
            long dockerd = ProcessCpu.dockerdPid();
            long harness = ProcessHandle.current().pid();
            double[] cpu0 = {ProcessCpu.seconds(daemonPid), ProcessCpu.seconds(harness), ProcessCpu.seconds(dockerd),
                    ProcessCpu.seconds(logs.pid()), threads.getThreadCpuTime(reader.threadId()) / 1e9};
            long t0 = System.nanoTime();
            api.server(id).command("flood " + lines);
            boolean engineDone = engine.marker.await(FLOOD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            long slowest = 0;
            for (ConsoleCounter s : sockets) {
                if (!s.awaitMarker(FLOOD_LIMIT)) {
                    throw new IllegalStateException("a console socket never received 'line " + lines + "' (got " + s.counts().lines() + " lines"
                            + (s.lastError() == null ? "" : ", " + s.lastError()) + ")");
                }
                slowest = Math.max(slowest, s.markerAtNanos() - t0);
            }
            if (!engineDone) {
                throw new IllegalStateException("docker logs -f never printed 'line " + lines + "'");
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double engineReaderCpu = threads.getThreadCpuTime(reader.threadId()) / 1e9 - cpu0[4];
            double harnessCpu = ProcessCpu.seconds(harness) - cpu0[1];
            System.out.printf(Locale.ROOT, "fanout:   CPU seconds during the flood (%.2f s wall): daemon %.2f, harness %.2f (the sockets' readers "
                            + "%.2f, the docker logs -f reader %.2f), dockerd %.2f, docker logs -f %.2f%n", wall,
                    ProcessCpu.seconds(daemonPid) - cpu0[0], harnessCpu, harnessCpu - engineReaderCpu, engineReaderCpu,
                    ProcessCpu.seconds(dockerd) - cpu0[2], ProcessCpu.seconds(logs.pid()) - cpu0[3]);
            Thread.sleep(200); // let stragglers of the last batch be counted
            long delivered = 0;
            long drops = 0;
            long messages = 0;
            long frames = 0;
            long bytes = 0;
            int exact = 0;
            int told = 0;
            for (ConsoleCounter s : sockets) {
                ConsoleCounter.Counts c = s.counts();
                delivered += c.floodLines();
                drops += c.droppedLines();
                messages += c.messages();
                frames += c.frames();
                bytes += c.bytes();
                if (c.flood().exactly(lines)) {
                    exact++;
                } else if (told++ < 5) { // what went wrong, for the first few: a figure with a loss must say where it lies
                    System.out.printf(Locale.ROOT, "fanout:   a socket's flood not exact: %s, %d lines reported dropped%s%n", c.flood(),
                            c.droppedLines(), s.lastError() == null ? "" : ", last error: " + s.lastError());
                }
            }
            System.out.printf(Locale.ROOT, "fanout:   daemon's output per socket: %.1f messages, %.1f frames, %.1f lines per message, "
                            + "%.2f bytes per line%n", messages / (double) sockets.size(), frames / (double) sockets.size(),
                    delivered / (double) Math.max(1, messages), bytes / (double) Math.max(1, delivered));
            stop(logs, reader);
            FloodTally.Counts reference = engine.counts();
            if (reader.isAlive()) {
                throw new IllegalStateException("the docker logs -f reader did not end");
            }
            return new Flood(lines / (slowest / 1e9), lines / ((engine.markerAtNanos - t0) / 1e9), delivered, drops, exact,
                    reference.exactly(lines));
        } finally {
            stop(logs, reader);
        }
    }

    private static void stop(Process logs, Thread reader) throws InterruptedException {
        logs.destroy();
        if (!logs.waitFor(5, TimeUnit.SECONDS)) {
            logs.destroyForcibly();
        }
        reader.join(Duration.ofSeconds(5));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }
}
