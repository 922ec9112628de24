package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.bench.daemon.DaemonFacts;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.stats.Samples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Scale: 2,000 registered servers, 400 of them running (idle test image). Measures the daemon's RSS
 * (VmRSS from /proc) and Java heap after a full GC, then stops it (its servers keep running) and
 * times a fresh daemon on the same data directory until it has reconciled all of them: its API lists
 * 2,000 servers with 400 running. The reference for each figure is an empty daemon in the same run.
 */
public final class ScaleScenario implements Scenario {
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(30);
    private static final Duration RECONCILE_LIMIT = Duration.ofMinutes(5);
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final long MB = 1024 * 1024;

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String description() {
        return "2,000 servers, 400 running: RSS, heap, fresh-boot reconcile time (--servers=2000 --running=400; --histogram=N: the loaded heap's N largest classes)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int total = bench.intOption("servers", 2000);
        int running = bench.intOption("running", 400);
        List<Result> out = new ArrayList<>();
        try {
            // reference: an empty daemon, booted and measured the same way
            DaemonProcess empty = bench.startDaemon("scale-empty");
            Duration emptyBoot = awaitReconciled(empty, 0, 0);
            double emptyCpu = DaemonFacts.cpuSeconds(empty);
            Duration emptyReconcile = DaemonFacts.reconcileFromLog(empty).orElse(Duration.ZERO);
            Thread.sleep(SETTLE);
            long emptyRss = DaemonFacts.rssBytes(empty);
            System.out.println("scale: empty daemon: " + DaemonFacts.rssParts(empty));
            System.out.printf(Locale.ROOT, "scale: empty daemon: %d native threads, %d open sockets%n",
                    DaemonFacts.nativeThreads(empty), DaemonFacts.openSockets(empty));
            long[] emptyHeap = DaemonFacts.heapAfterGc(empty);
            empty.close();
            System.out.printf(Locale.ROOT, "scale: empty daemon: boot %s, RSS %d MB, heap used %d MB (committed %d MB)%n",
                    Samples.ms(emptyBoot.toNanos()), emptyRss / MB, emptyHeap[0] / MB, emptyHeap[1] / MB);

            DaemonProcess loaded = bench.startDaemon("scale");
            List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            try (RaptorClient api = loaded.client(loaded.apiKey())) {
                int failed = Parallel.run(total, 16, SETUP_LIMIT, "register", i -> ids.add(Calls.create(api, bench.idleServer("scale-" + i))));
                System.out.printf(Locale.ROOT, "scale: registered %d servers in %s (%d failed)%n", ids.size(), Samples.ms(System.nanoTime() - t0), failed);
                long t1 = System.nanoTime();
                List<UUID> toStart = new ArrayList<>(ids.subList(0, Math.min(running, ids.size())));
                failed = Parallel.run(toStart.size(), 8, SETUP_LIMIT, "start", i -> Calls.power(api, toStart.get(i), "start"));
                System.out.printf(Locale.ROOT, "scale: started %d servers in %s (%d failed)%n", toStart.size() - failed,
                        Samples.ms(System.nanoTime() - t1), failed);
                Thread.sleep(SETTLE);
                // a start whose call failed at its deadline on a loaded machine may still have started: the fresh
                // daemon must find what the engine runs, so that is what it is waited for
                running = (int) api.servers().list().servers().stream().filter(s -> "running".equals(s.state())).count();
                if (running != toStart.size() - failed) {
                    System.out.printf(Locale.ROOT, "scale: %d servers run (%d start calls answered ok)%n", running, toStart.size() - failed);
                }
            }
            long rss = DaemonFacts.rssBytes(loaded);
            System.out.println("scale: loaded daemon: " + DaemonFacts.rssParts(loaded));
            long[] heapNow = DaemonFacts.heap(loaded);
            System.out.printf(Locale.ROOT, "scale: loaded daemon: heap before the full GC: used %d MB, committed %d MB%n",
                    heapNow[0] / MB, heapNow[1] / MB);
            System.out.printf(Locale.ROOT, "scale: loaded daemon: %d native threads, %d open sockets%n",
                    DaemonFacts.nativeThreads(loaded), DaemonFacts.openSockets(loaded));
            long[] heap = DaemonFacts.heapAfterGc(loaded);
            int histogram = bench.intOption("histogram", 0);
            if (histogram > 0) {
                DaemonFacts.classHistogram(loaded, histogram).forEach(l -> System.out.println("scale: histogram " + l.strip()));
            }
            DaemonFacts.nativeMemory(loaded).ifPresent(nmt -> nmt.lines()
                    .filter(l -> l.startsWith("Total") || l.startsWith("-") || l.contains("(reserved="))
                    .forEach(l -> System.out.println("scale: NMT " + l.strip())));
            loaded.close();
            System.out.printf(Locale.ROOT, "scale: loaded daemon: RSS %d MB, heap used %d MB (committed %d MB)%n", rss / MB, heap[0] / MB, heap[1] / MB);

            DaemonProcess fresh = bench.startDaemon("scale");
            Duration reconcile = awaitReconciled(fresh, ids.size(), running);
            double freshCpu = DaemonFacts.cpuSeconds(fresh);
            System.out.printf(Locale.ROOT, "scale: fresh boot: %.2f CPU-seconds of the daemon until the API listed all (empty daemon: %.2f)%n",
                    freshCpu, emptyCpu);
            Thread.sleep(SETTLE);
            long freshRss = DaemonFacts.rssBytes(fresh);
            System.out.println("scale: fresh daemon: " + DaemonFacts.rssParts(fresh));
            System.out.printf(Locale.ROOT, "scale: fresh boot reconciled %d servers (%d running) in %s; health answered after %s; RSS then %d MB%n",
                    ids.size(), running, Samples.ms(reconcile.toNanos()), Samples.ms(fresh.bootToHealthy().toNanos()), freshRss / MB);
            fresh.logTail(2000).lines().filter(l -> l.contains("boot reconciliation")).forEach(l -> System.out.println("scale: daemon log: " + l.strip()));
            java.util.Optional<Duration> inDaemon = DaemonFacts.reconcileFromLog(fresh);

            String setup = ids.size() + " servers, " + running + " running";
            out.add(new Result(name(), "daemon RSS, " + setup, rss / MB + " MB", emptyRss / MB + " MB (empty daemon)",
                    Result.ratio(rss, emptyRss), "<= 300 MB", Result.verdict(rss <= 300 * MB)));
            out.add(Result.context(name(), "daemon heap used after full GC (committed), " + setup,
                    heap[0] / MB + " MB (" + heap[1] / MB + " MB)", emptyHeap[0] / MB + " MB (" + emptyHeap[1] / MB + " MB) (empty daemon)",
                    Result.ratio(heap[0], emptyHeap[0])));
            out.add(new Result(name(), "fresh boot until the API lists " + setup + " (JVM start included)",
                    Samples.ms(reconcile.toNanos()), Samples.ms(emptyBoot.toNanos()) + " (empty daemon)",
                    Result.ratio(reconcile.toNanos(), emptyBoot.toNanos()), "<= 5 s", Result.verdict(reconcile.toMillis() <= 5000)));
            if (inDaemon.isPresent()) {
                out.add(new Result(name(), "boot reconciliation inside the daemon (its log: engine found -> report), " + setup,
                        Samples.ms(inDaemon.get().toNanos()), Samples.ms(emptyReconcile.toNanos()) + " (empty daemon)",
                        Result.ratio(inDaemon.get().toNanos(), emptyReconcile.toNanos()), "<= 5 s",
                        Result.verdict(inDaemon.get().toMillis() <= 5000)));
            }
            out.add(Result.context(name(), "RSS after the fresh boot's reconcile", freshRss / MB + " MB", emptyRss / MB + " MB (empty daemon)",
                    Result.ratio(freshRss, emptyRss)));
            return out;
        } finally {
            int removed = bench.cleanupContainers();
            System.out.println("scale: removed " + removed + " containers");
        }
    }

    /** From the daemon's launch until its API lists {@code servers} servers of which {@code running} run (bounded). */
    private static Duration awaitReconciled(DaemonProcess d, int servers, int running) throws Exception {
        try (RaptorClient api = d.client(d.apiKey())) {
            long limit = System.nanoTime() + RECONCILE_LIMIT.toNanos();
            while (System.nanoTime() < limit) {
                List<ServerDocument> list = api.servers().list().servers();
                long up = list.stream().filter(s -> "running".equals(s.state())).count();
                if (list.size() == servers && up == running) {
                    return Duration.ofNanos(System.nanoTime() - d.launchedNanos());
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the daemon did not list " + servers + " servers with " + running + " running within "
                    + RECONCILE_LIMIT.toMinutes() + " min");
        }
    }
}
