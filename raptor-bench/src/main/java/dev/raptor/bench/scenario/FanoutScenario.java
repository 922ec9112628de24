package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.bench.daemon.ConsoleCounter;
import dev.raptor.daemon.launch.DaemonProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Console fan-out: one running server floods {@code line 1} … {@code line N}; the rate at which that
 * reaches 1 and 100 console WebSockets is compared with {@code docker logs -f} following the same
 * container during the same flood. A consumer's rate is N divided by the time from sending the
 * {@code flood N} command to that consumer receiving {@code line N}; for 100 sockets the slowest one
 * counts.
 */
public final class FanoutScenario implements Scenario {
    private static final Duration FLOOD_LIMIT = Duration.ofMinutes(3);

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public String description() {
        return "console lines/s to 1 and 100 WebSockets vs docker logs -f on the same flood (--lines=20000 --repeats=3)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int lines = bench.intOption("lines", 20_000);
        int repeats = bench.intOption("repeats", 3);
        DaemonProcess daemon = bench.startDaemon("fanout");
        List<ConsoleCounter> sockets = new ArrayList<>();
        List<Result> out = new ArrayList<>();
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            UUID id = Calls.create(api, bench.idleServer("fanout"));
            Calls.power(api, id, "start");
            String container = "raptor-" + id;
            for (int attached : new int[]{1, 100}) {
                while (sockets.size() < attached) {
                    sockets.add(ConsoleCounter.open(api, id, Duration.ofSeconds(10)));
                }
                double[] socketRates = new double[repeats];
                double[] engineRates = new double[repeats];
                long delivered = 0;
                long dropNotices = 0;
                for (int r = 0; r < repeats; r++) {
                    Flood f = flood(bench, api, daemon.pid(), id, container, sockets, lines);
                    socketRates[r] = f.slowestSocketRate;
                    engineRates[r] = f.engineRate;
                    delivered += f.delivered;
                    dropNotices += f.dropNotices;
                    System.out.printf(Locale.ROOT, "fanout: %d socket(s), flood %d: slowest socket %.0f lines/s, docker logs -f %.0f lines/s, "
                            + "lines delivered %d of %d, lines reported dropped %d%n", attached, lines, f.slowestSocketRate, f.engineRate,
                            f.delivered, (long) lines * attached, f.dropNotices);
                }
                double socket = median(socketRates);
                double engine = median(engineRates);
                out.add(new Result(name(), "console lines/s to " + attached + " socket" + (attached > 1 ? "s (slowest)" : "")
                        + ", flood " + lines + ", median of " + repeats,
                        String.format(Locale.ROOT, "%.0f/s", socket), String.format(Locale.ROOT, "%.0f/s (docker logs -f)", engine),
                        Result.ratio(socket, engine), ">= 0.95x", Result.verdict(socket >= 0.95 * engine)));
                out.add(Result.context(name(), "flood lines delivered to " + attached + " socket(s) / sent, lines the daemon reported dropped",
                        delivered + " / " + (long) lines * attached * repeats + ", " + dropNotices, "-", "-"));
            }
            return out;
        } finally {
            // sockets first: closing the client waits for open WebSockets
            Parallel.closeAll(sockets);
            bench.cleanupContainers();
        }
    }

    private record Flood(double slowestSocketRate, double engineRate, long delivered, long dropNotices) {
    }

    private Flood flood(Bench bench, RaptorClient api, long daemonPid, UUID id, String container, List<ConsoleCounter> sockets, int lines)
            throws Exception {
        String marker = "line " + lines;
        for (ConsoleCounter s : sockets) {
            s.resetCounts();
            s.watchFor(marker);
        }
        Process logs = new ProcessBuilder("docker", "-H", bench.dockerHost(), "logs", "-f", "--tail", "0", container)
                .redirectErrorStream(true).start();
        CountDownLatch engineSaw = new CountDownLatch(1);
        CountDownLatch engineAttached = new CountDownLatch(1);
        AtomicLong engineAt = new AtomicLong();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    engineAttached.countDown();
                    if (line.equals(marker)) {
                        engineAt.set(System.nanoTime());
                        engineSaw.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the process was ended
            }
        });
        try {
            // let `docker logs -f` attach before the flood: a ping line it must see first
            String ping = "say bench-ready-" + System.nanoTime();
            long attachStart = System.nanoTime();
            while (!engineAttached.await(200, TimeUnit.MILLISECONDS) && !Bench.past(attachStart, Duration.ofSeconds(20))) {
                api.server(id).command(ping);
            }
            Thread.sleep(300);
            long dockerd = dev.raptor.bench.stats.ProcessCpu.dockerdPid();
            double[] cpu0 = {dev.raptor.bench.stats.ProcessCpu.seconds(daemonPid), dev.raptor.bench.stats.ProcessCpu.seconds(ProcessHandle.current().pid()),
                    dev.raptor.bench.stats.ProcessCpu.seconds(dockerd), dev.raptor.bench.stats.ProcessCpu.seconds(logs.pid())};
            long t0 = System.nanoTime();
            api.server(id).command("flood " + lines);
            boolean engineDone = engineSaw.await(FLOOD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            long slowest = 0;
            for (ConsoleCounter s : sockets) {
                if (!s.awaitMarker(FLOOD_LIMIT)) {
                    throw new IllegalStateException("a console socket never received '" + marker + "' (got " + s.counts().lines() + " lines"
                            + (s.lastError() == null ? "" : ", " + s.lastError()) + ")");
                }
                slowest = Math.max(slowest, s.markerAtNanos() - t0);
            }
            if (!engineDone) {
                throw new IllegalStateException("docker logs -f never printed '" + marker + "'");
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "fanout:   CPU seconds during the flood (%.2f s wall): daemon %.2f, harness (the sockets' reader) %.2f, "
                            + "dockerd %.2f, docker logs -f %.2f%n", wall,
                    dev.raptor.bench.stats.ProcessCpu.seconds(daemonPid) - cpu0[0],
                    dev.raptor.bench.stats.ProcessCpu.seconds(ProcessHandle.current().pid()) - cpu0[1],
                    dev.raptor.bench.stats.ProcessCpu.seconds(dockerd) - cpu0[2],
                    dev.raptor.bench.stats.ProcessCpu.seconds(logs.pid()) - cpu0[3]);
            Thread.sleep(200); // let stragglers of the last batch be counted
            long delivered = 0;
            long drops = 0;
            for (ConsoleCounter s : sockets) {
                delivered += s.counts().floodLines();
                drops += s.counts().droppedLines();
            }
            return new Flood(lines / (slowest / 1e9), lines / ((engineAt.get() - t0) / 1e9), delivered, drops);
        } finally {
            logs.destroy();
            if (!logs.waitFor(5, TimeUnit.SECONDS)) {
                logs.destroyForcibly();
            }
            reader.join(Duration.ofSeconds(5));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }
}
