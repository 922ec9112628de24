package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorIoException;
import dev.raptor.wire.client.ServerQuery;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.bench.daemon.ConsoleCounter;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.stats.Samples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Responsiveness under a storm: latency of {@code GET /api/v1/servers} (one poller, {@code --poll-rate} polls a second, each
 * timed from its intended start; {@code 0}: back to back) while
 * 100 running servers are recreated concurrently ({@code PATCH ?apply=now} changing their environment)
 * with a console socket attached to each; the reference is the same poll on the same daemon with the
 * same servers and sockets, idle, just before the storm.
 */
public final class StormScenario implements Scenario {
    /** A list request slower than this counts as a timeout (and is abandoned). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** {@code --poller}'s default: one blocking socket read by the polling thread itself ({@link SocketPoller}). */
    static final String DEFAULT_POLLER = "socket";
    /**
     * {@code --poll-rate}'s default: back to back, each poll timed from its send, the method of the goals' rows since
     * 2026-12-06 22:50. {@code --poll-rate=200} polls 200 times a second, each timed from its intended start (coordinated
     * omission corrected: a request arriving during a stall waits out the rest of it), a stricter figure reported beside.
     */
    static final int DEFAULT_POLL_RATE = 0;

    /**
     * The real-time poller's budget a second: paced, 200 polls take about 10 ms; back to back, the poller's own share of
     * each exchange (25-35 µs) at up to 8,500 polls a second idle. Not reached in a run (a throttled poller would stall for
     * the rest of the second): the budget only bounds a fault.
     */
    static long pollerRtBudgetMicros(int pollRate) {
        return pollRate > 0 ? 100_000 : 500_000;
    }
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(15);
    private static final Duration STORM_LIMIT = Duration.ofMinutes(15);
    private static final Duration IDLE_POLL = Duration.ofSeconds(10);
    private static final Duration WARMUP = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "storm";
    }

    @Override
    public String description() {
        return "GET /servers latency while 100 servers recreate with 100 consoles attached (--servers=100)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int n = bench.intOption("servers", 100);
        // every stop-the-world pause of the daemon, whichever collector --daemon-jvm chooses: the storm's max is one of them
        dev.raptor.bench.stats.SafepointLog safepoints = new dev.raptor.bench.stats.SafepointLog(bench.work().resolve("storm-safepoints.log"));
        List<String> daemonJvm = new ArrayList<>(List.of(dev.raptor.bench.stats.SafepointLog.jvmOption(bench.work().resolve("storm-safepoints.log"))));
        // --poll-stamps=1: the daemon stamps each list answer (its raptor.api.pollStamps), read after it exits
        java.nio.file.Path stamps = bench.intOption("poll-stamps", 0) == 1 ? bench.work().resolve("storm-poll-stamps.txt") : null;
        if (stamps != null) {
            java.nio.file.Files.deleteIfExists(stamps);
            daemonJvm.add("-Draptor.api.pollStamps=" + stamps);
        }
        boolean socketPolling = socketPolling(bench.option("poller", DEFAULT_POLLER));
        // --poll-rate=N: polls a second, each timed from its intended start; 0 (the default): back to back, each from its send
        int pollRate = bench.intOption("poll-rate", DEFAULT_POLL_RATE);
        PollPace.requireRate(pollRate); // before anything starts
        DaemonProcess daemon = bench.startDaemon("storm", daemonJvm);
        StormPolls stormPolls = new StormPolls();
        StormPolls idlePolls = new StormPolls();
        long[] idleStart = {System.nanoTime()};
        long stormStart = System.nanoTime();
        List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
        List<ConsoleCounter> sockets = Collections.synchronizedList(new ArrayList<>());
        String consoleProblem = null;
        java.util.Set<Long> pollerClientThreads = new java.util.HashSet<>();
        boolean[] realtime = {false}; // whether the polling thread runs at a real-time policy (--poller-rt)
        try (RaptorClient api = daemon.client(daemon.apiKey());
             // the poll on one blocking socket read by the polling thread itself (default), or --poller=client on RaptorClient,
             // whose selector thread must get a CPU to read each answer before the polling thread hears of it
             RaptorClient poller = socketPolling ? null : pollerClient(daemon, pollerClientThreads);
             SocketPoller socketPoller = socketPolling ? new SocketPoller(daemon.port(), daemon.apiKey(), REQUEST_TIMEOUT) : null;
             BurstSender burst = new BurstSender(daemon.port(), daemon.apiKey(), n)) {
            Poll get = socketPoller != null ? socketPoller::poll : () -> {
                try {
                    poller.servers().listJson(ServerQuery.all());
                    return true;
                } catch (RaptorIoException e) {
                    if (!e.timedOut()) {
                        throw new IllegalStateException("GET /servers failed: " + e.getMessage(), e);
                    }
                    return false;
                }
            };
            System.out.println("storm: polling with " + (socketPoller != null
                    ? "one blocking socket read by the polling thread (--poller=socket, the default)"
                    : "RaptorClient (--poller=client: its selector thread reads and decodes each answer)")
                    + (pollRate == 0 ? ", back to back (--poll-rate=0: each poll timed from its send)"
                    : ", " + pollRate + " polls a second (--poll-rate), each timed from its intended start"));
            // --burst=threads: the recreates sent as before 2026-12-06 19:45, a virtual thread each on RaptorClient
            boolean threadsBurst = "threads".equals(bench.option("burst", "async"));
            long[] burstSpread = {-1, -1};
            List<String> burstOperations = Collections.synchronizedList(new ArrayList<>());
            int failed = Parallel.run(n, 16, SETUP_LIMIT, "create+start", i -> {
                UUID id = Calls.create(api, bench.idleServer("storm-" + i));
                ids.add(id);
                Calls.power(api, id, "start");
            });
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + n + " servers could not be created and started");
            }
            try {
                for (UUID id : ids) {
                    sockets.add(ConsoleCounter.open(api, id, Duration.ofSeconds(10)));
                }
            } catch (Exception e) {
                consoleProblem = "console sockets could not attach (" + e.getMessage() + ")";
                System.err.println("storm: " + consoleProblem + "; measuring without them");
            }
            System.out.println("storm: " + ids.size() + " servers running, " + sockets.size() + " console sockets attached");
            // --warmup-storm=1 (the default since 2026-12-07): the same recreates once, unmeasured, before the idle reference,
            // so that the measured storm meets a daemon whose recreate path is compiled, as the lifecycle's and the process
            // runtime's warm-up rounds do for theirs (on a cold daemon the JIT took 4.7-6.5 CPU-s of the storm); 0: cold
            if (bench.intOption("warmup-storm", 1) == 1) {
                long w0 = System.nanoTime();
                BurstSender.Outcome warm = burst.send(recreates(ids, "warm-up-"), STORM_LIMIT, "warm-up recreate");
                System.out.println("storm: a warm-up storm first (--warmup-storm=1, not measured): " + ids.size() + " recreates in "
                        + Samples.ms(System.nanoTime() - w0) + ", " + warm.failed() + " failed; the servers after it: " + states(api));
            }

            // --poller-nice=N: the polling thread's nice value, against the harness's other threads in its cgroup (idle and storm alike)
            int pollerNice = bench.intOption("poller-nice", 0);
            if (pollerNice != 0) {
                System.out.println("storm: the polling thread at nice " + dev.raptor.bench.stats.ThreadNice.set(pollerNice)
                        + " (--poller-nice; the harness's other threads at 0)");
            }
            // --poller-cgroup=1: the polling thread in a cgroup of its own with the harness's weight (cgroup v1), idle and storm alike
            if (bench.intOption("poller-cgroup", 0) == 1) {
                boolean placed = bench.placeHarnessThread(dev.raptor.bench.stats.ThreadNice.callingThreadId(), "poller");
                System.out.println("storm: the polling thread " + (placed ? "in a cgroup of its own with the harness's CPU weight (--poller-cgroup=1)"
                        : "left in the harness's cgroup (--poller-cgroup=1 needs cgroup v1 and the CPU weight)"));
            }
            // --poller-rt=1 (the default): the polling thread at SCHED_FIFO while it polls, in a cgroup of its own whose real-time
            // budget bounds it; it stands in for a panel on another machine, whose wait for a CPU is not the daemon's answer time.
            // Back to back it cannot keep a CPU to itself: it waits for each answer before it sends the next request.
            boolean rtReady = false;
            long rtBudget = pollerRtBudgetMicros(pollRate);
            if (bench.intOption("poller-rt", 1) == 1) {
                String why = bench.placeRealtimeThread(dev.raptor.bench.stats.ThreadNice.callingThreadId(), "poller-rt", rtBudget);
                if (why == null) {
                    try { // tried once here; the thread is real-time only while it polls at the pace (below)
                        dev.raptor.bench.stats.ThreadRealtime.fifo(1);
                        dev.raptor.bench.stats.ThreadRealtime.ordinary();
                        rtReady = true;
                    } catch (java.io.IOException e) {
                        why = e.getMessage();
                    }
                }
                System.out.println(rtReady ? "storm: the polling thread at SCHED_FIFO 1 while it polls (idle and storm), in a "
                        + "cgroup of its own with a real-time budget of " + rtBudget / 1000 + " ms a second (--poller-rt=1; 0: "
                        + "an ordinary thread)"
                        : "storm: the polling thread is an ordinary thread: --poller-rt=1 could not be applied (" + why
                        + "); its own wait for a CPU counts in the polls' times");
            }
            // let the consoles' streams settle and the daemon's JIT warm up: the reference must be idle, not cold
            Thread.sleep(5_000);
            long warm = System.nanoTime();
            PollPace warmPace = new PollPace(0); // the warm-up back to back: as many answers as it takes to compile the path
            while (!Bench.past(warm, WARMUP)) {
                poll(get, warmPace, new Samples(), new int[1], null, null);
            }
            Samples idle = new Samples();
            PollPace idlePace = new PollPace(pollRate);
            idleStart[0] = System.nanoTime();
            int[] idleTimeouts = {0};
            long t = System.nanoTime();
            double idleFrom = uptime(daemon);
            double idleCpu = dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid());
            double idleAllocated = dev.raptor.bench.daemon.DaemonAllocation.bytes(daemon.port(), daemon.apiKey());
            realtime(realtime, rtReady);
            while (!Bench.past(t, IDLE_POLL)) {
                poll(get, idlePace, idle, idleTimeouts, pollRate > 0 ? idlePolls : null, null); // kept for the paced report
            }
            ordinary(realtime);
            double idleTo = uptime(daemon);
            idleCpu = dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid()) - idleCpu;
            idleAllocated = dev.raptor.bench.daemon.DaemonAllocation.bytes(daemon.port(), daemon.apiKey()) - idleAllocated;
            // a count a busy machine does not bend: what one idle poll costs the daemon in allocation and CPU
            System.out.printf(java.util.Locale.ROOT, "storm: the idle poll: %d polls, the daemon allocated %.0f MB (%.1f KB a poll), "
                    + "used %.2f ms of CPU a poll%n", idle.count(), idleAllocated / 1e6, idleAllocated / 1e3 / Math.max(1, idle.count()),
                    idleCpu * 1e3 / Math.max(1, idle.count()));

            java.util.Map<String, String> before = containers(api);
            Samples storm = new Samples();
            PollPace stormPace = new PollPace(pollRate);
            int[] stormTimeouts = {0};
            AtomicBoolean stormOver = new AtomicBoolean();
            AtomicInteger recreateFailures = new AtomicInteger();
            long dockerd = dev.raptor.bench.stats.ProcessCpu.dockerdPid();
            double[] cpu0 = {dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid()),
                    dev.raptor.bench.stats.ProcessCpu.seconds(ProcessHandle.current().pid()), dev.raptor.bench.stats.ProcessCpu.seconds(dockerd)};
            long pausesMark = safepoints.mark();
            long[] harnessGc0 = harnessCollections();
            // who waited for a CPU during the storm: each thread of the daemon and of the harness, and the machine's run queue
            dev.raptor.bench.stats.ThreadDelays daemonThreads = dev.raptor.bench.stats.ThreadDelays.of(daemon.pid());
            dev.raptor.bench.stats.ThreadDelays harnessThreads = dev.raptor.bench.stats.ThreadDelays.of(ProcessHandle.current().pid());
            dev.raptor.bench.stats.RunQueue runQueue = dev.raptor.bench.stats.RunQueue.start();
            stormPolls.runnable(runQueue::maxBetween); // each slow poll says how many threads wanted the cores during it
            String loadBefore = loadavg();
            dev.raptor.bench.stats.RunDelay pollerDelay = dev.raptor.bench.stats.RunDelay.ofCallingThread();
            long pollingThread = dev.raptor.bench.stats.ThreadNice.callingThreadId();
            List<BurstSender.Call> recreateCalls = threadsBurst ? List.of() : recreates(ids);
            double stormFrom = uptime(daemon);
            stormStart = System.nanoTime();
            BurstWindow burstWindow = BurstWindow.start(daemon.pid(), stormStart);
            Thread storm0 = Thread.ofVirtual().start(() -> {
                try {
                    if (threadsBurst) {
                        recreateFailures.set(Parallel.run(ids.size(), ids.size(), STORM_LIMIT, "recreate", i -> {
                            Calls.patchApplyNow(api, ids.get(i), recreatePatch(i));
                        }));
                    } else {
                        BurstSender.Outcome sent = burst.send(recreateCalls, STORM_LIMIT, "recreate");
                        recreateFailures.set(sent.failed());
                        burstSpread[0] = sent.spreadNanos();
                        burstSpread[1] = sent.firstWrittenNanos();
                        burstOperations.addAll(sent.operations());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stormOver.set(true);
                }
            });
            realtime(realtime, rtReady);
            while (!stormOver.get() && !Bench.past(stormStart, STORM_LIMIT.plusMinutes(1))) {
                poll(get, stormPace, storm, stormTimeouts, stormPolls, pollerDelay);
            }
            storm0.join(Duration.ofMinutes(1));
            long stormNanos = System.nanoTime() - stormStart;
            if (pollerNice != 0) {
                dev.raptor.bench.stats.ThreadNice.set(0);
            }
            ordinary(realtime);
            if (threadsBurst) {
                System.out.println("storm: the " + ids.size() + " PATCH ?apply=now sent from a virtual thread each on RaptorClient "
                        + "(--burst=threads: at most 64 connections, Jetty's default; the rest waited for an earlier answer)");
            } else {
                System.out.printf(java.util.Locale.ROOT, "storm: the %d PATCH ?apply=now sent at once from one thread (up to %d connections); "
                        + "the first written whole %s after the storm's start, the last %s after the first%n", ids.size(), ids.size(),
                        burstSpread[1] < 0 ? "?" : Samples.ms(burstSpread[1]), burstSpread[0] < 0 ? "?" : Samples.ms(burstSpread[0]));
            }
            for (String line : burstWindow.report(stormPolls)) {
                System.out.println("storm: " + line);
            }
            runQueue.close();
            if (pollerDelay != null) {
                pollerDelay.close();
            }
            System.out.println("storm: load " + loadBefore + " before the storm, " + loadavg() + " after; " + runQueue.summary());
            System.out.println("storm: the daemon's threads during the storm: " + dev.raptor.bench.stats.ThreadDelays.of(daemon.pid())
                    .since(daemonThreads, 8));
            dev.raptor.bench.stats.ThreadDelays harnessNow = dev.raptor.bench.stats.ThreadDelays.of(ProcessHandle.current().pid());
            System.out.println("storm: the harness's threads during the storm: " + harnessNow.since(harnessThreads, 6));
            System.out.println("storm: the harness's busiest threads during the storm: " + harnessNow.busiest(harnessThreads, 8));
            System.out.println("storm: the harness's threads during the storm by role: " + harnessNow.byRole(harnessThreads,
                    (tid, name) -> harnessRole(tid, name, pollingThread, pollerClientThreads)));
            System.out.println("storm: " + stormPolls.starvation(50_000_000L));
            double stormTo = uptime(daemon);
            // to split the daemon's -Xlog:gc (uptime-stamped, e.g. from --daemon-jvm) into the idle poll's and the storm's
            System.out.printf(java.util.Locale.ROOT, "storm: windows in the daemon's uptime (s, from its process start): idle %.2f-%.2f "
                    + "(%d polls, daemon %.1f CPU s), storm %.2f-%.2f%n", idleFrom, idleTo, idle.count() + idleTimeouts[0], idleCpu,
                    stormFrom, stormTo);
            Samples pauses = safepoints.pausesSince(pausesMark);
            String gc = collector(daemon);
            System.out.printf(java.util.Locale.ROOT, "storm: CPU seconds during the storm (%.1f s wall, %d cores = %.1f CPU s): daemon %.1f, "
                            + "harness %.1f, dockerd %.1f (containerd and the shims not counted)%n", stormNanos / 1e9,
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors() * stormNanos / 1e9, dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid()) - cpu0[0],
                    dev.raptor.bench.stats.ProcessCpu.seconds(ProcessHandle.current().pid()) - cpu0[1],
                    dev.raptor.bench.stats.ProcessCpu.seconds(dockerd) - cpu0[2]);
            java.util.Map<String, String> after = containers(api);
            // the recreates' answers are 200 whatever the recreate's outcome: what the servers are in afterwards says it
            System.out.println("storm: the servers after the recreates: " + states(api));
            if (!burstOperations.isEmpty()) {
                System.out.println("storm: the recreates' operations as the daemon reports them: " + outcomes(api, burstOperations));
            }
            long recreated = before.entrySet().stream()
                    .filter(e -> after.get(e.getKey()) != null && !after.get(e.getKey()).equals(e.getValue())).count();
            if (socketPoller != null) {
                System.out.println("storm: the socket poller's last answer: " + socketPoller.lastAnswer());
            }
            System.out.println("storm: idle " + idle.summary() + ", timeouts " + idleTimeouts[0]);
            System.out.println("storm: storm " + storm.summary() + ", timeouts " + stormTimeouts[0] + "; " + ids.size()
                    + " recreates took " + Samples.ms(stormNanos) + ", " + recreateFailures.get() + " failed, "
                    + recreated + " servers run a new container");
            System.out.println("storm: the daemon's safepoint pauses during the storm: " + pauses.summary()
                    + "; collector " + gc);
            long[] harnessGc = harnessCollections();
            // the harness's own pauses stop the polling thread too (a poll then reads its answer late, without waiting for a CPU)
            System.out.printf(java.util.Locale.ROOT, "storm: the harness's own collections during the storm: %d, %d ms together (%s; a "
                            + "concurrent collector's time is its cycles', not pauses)%n", harnessGc[0] - harnessGc0[0], harnessGc[1] - harnessGc0[1],
                    java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining(", ")));

            String setup = ids.size() + " servers, " + sockets.size() + " consoles, "
                    + (pollRate == 0 ? "polled back to back" : pollRate + " polls/s from their intended starts");
            List<Result> out = new ArrayList<>();
            out.add(new Result(name(), "GET /servers p99 during " + ids.size() + " concurrent recreates (" + setup + ")",
                    Samples.ms(storm.p99Nanos()), Samples.ms(idle.p99Nanos()) + " (idle)", Result.ratio(storm.p99Nanos(), idle.p99Nanos()),
                    "<= 10 ms", Result.verdict(storm.p99Nanos() <= 10_000_000L)));
            out.add(new Result(name(), "GET /servers max during the recreates", Samples.ms(storm.maxNanos()), Samples.ms(idle.maxNanos()) + " (idle)",
                    Result.ratio(storm.maxNanos(), idle.maxNanos()), "<= 100 ms", Result.verdict(storm.maxNanos() <= 100_000_000L)));
            out.add(new Result(name(), "timeouts (> " + REQUEST_TIMEOUT.toSeconds() + " s) of " + (storm.count() + stormTimeouts[0]) + " requests",
                    Integer.toString(stormTimeouts[0]), idleTimeouts[0] + " (idle)", "-", "0", Result.verdict(stormTimeouts[0] == 0)));
            out.add(Result.context(name(), "GET /servers median", Samples.ms(storm.medianNanos()), Samples.ms(idle.medianNanos()) + " (idle)",
                    Result.ratio(storm.medianNanos(), idle.medianNanos())));
            if (pauses.count() > 0) {
                out.add(Result.context(name(), "the daemon's stop-the-world pauses during the recreates (" + gc + " collector): "
                                + pauses.count() + ", median / p99 / max",
                        Samples.ms(pauses.medianNanos()) + " / " + Samples.ms(pauses.p99Nanos()) + " / " + Samples.ms(pauses.maxNanos()), "-", "-"));
            }
            out.add(Result.context(name(), "wall time of the " + ids.size() + " recreates (" + recreateFailures.get() + " failed, "
                            + recreated + " new containers)",
                    Samples.ms(stormNanos), "-", "-"));
            if (consoleProblem != null) {
                out.add(Result.notMeasured(name(), "the same with 100 console sockets attached", consoleProblem));
            }
            return out;
        } finally {
            ordinary(realtime); // before anything else runs on this thread
            // sockets first: closing the client waits for open WebSockets
            Parallel.closeAll(sockets);
            bench.cleanupContainers();
            if (stamps != null) {
                daemon.close(); // its stamps are written as it exits
            }
            // the slowest polls taken apart (after the daemon's exit when it stamped its answers)
            System.out.println("storm: the 10 slowest polls" + (stamps == null ? " (--poll-stamps=1 splits them on the daemon's side)" : "") + ":");
            for (String line : stormPolls.slowest(10, stormStart, stamps)) {
                System.out.println("storm:   " + line);
            }
            if (pollRate > 0) {
                System.out.println("storm: the 5 slowest polls sent on time (where the stalls began; those behind them were sent late):");
                for (String line : stormPolls.slowestSentOnTime(5, stormStart, stamps)) {
                    System.out.println("storm:   " + line);
                }
                System.out.println("storm: the idle poll's 3 slowest sent on time (times from the idle poll's start):");
                for (String line : idlePolls.slowestSentOnTime(3, idleStart[0], stamps)) {
                    System.out.println("storm:   " + line);
                }
            }
            if (stamps != null) {
                System.out.println("storm: " + stormPolls.toTheDaemon(100_000_000L, stamps));
                System.out.println("storm: " + stormPolls.harnessSide(40_000_000L, stamps));
            }
        }
    }

    /** {@code --poller}'s value: {@code socket} (the default, {@link #DEFAULT_POLLER}) polls on a socket, {@code client} with RaptorClient. */
    static boolean socketPolling(String option) {
        return switch (option) {
            case "socket" -> true;
            case "client" -> false;
            default -> throw new IllegalArgumentException("--poller must be socket or client (was '" + option + "')");
        };
    }

    /** The poller's RaptorClient (--poller=client); the threads it started are added to {@code threads}. */
    private static RaptorClient pollerClient(DaemonProcess daemon, java.util.Set<Long> threads) {
        long harness = ProcessHandle.current().pid();
        dev.raptor.bench.stats.ThreadDelays before = dev.raptor.bench.stats.ThreadDelays.of(harness);
        RaptorClient client = RaptorClient.builder().http(java.net.URI.create("http://127.0.0.1:" + daemon.port()))
                .credential(daemon.apiKey()).requestTimeout(REQUEST_TIMEOUT).build();
        threads.addAll(dev.raptor.bench.stats.ThreadDelays.of(harness).startedSince(before));
        return client;
    }

    /**
     * What a harness thread does in the storm, from its id and name (as the kernel keeps it, cut to 15 characters): the
     * polling thread, the poller's RaptorClient (its threads by id: both clients' pools are named {@code raptor-client}),
     * the console readers (the other RaptorClient, which during the storm reads only the consoles), the burst's sender,
     * the JIT, the collector, the bench's own samplers; null for the rest.
     */
    static String harnessRole(long tid, String name, long pollingThread, java.util.Set<Long> pollerClientThreads) {
        if (tid == pollingThread) {
            return "polling thread";
        }
        if (pollerClientThreads.contains(tid)) {
            return "the poller's RaptorClient";
        }
        if (name.startsWith("raptor-client")) {
            return "console readers";
        }
        if (name.startsWith("bench-burst-win") || name.startsWith("bench-run-queue")) {
            return "the bench's samplers";
        }
        if (name.startsWith("bench-burst")) {
            return "burst sender";
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "JIT";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
            return "GC and VM";
        }
        return null;
    }

    /** The storm's change to server {@code i}: its environment, so that {@code ?apply=now} recreates its container. */
    private static ServerPatch recreatePatch(int i) {
        return recreatePatch(i, "");
    }

    /** Server {@code i}'s recreate: its environment changed to a value of this storm's own ({@code round}: another storm's). */
    private static ServerPatch recreatePatch(int i, String round) {
        return ServerPatch.of().with("environment", java.util.Map.of("BOOT_DELAY", "0", "STORM", round + i));
    }

    /** One {@code PATCH ?apply=now} per server, each waiting for its recreate as {@link Calls#patchApplyNow} does. */
    private static List<BurstSender.Call> recreates(List<UUID> ids) {
        return recreates(ids, "");
    }

    private static List<BurstSender.Call> recreates(List<UUID> ids, String round) {
        List<BurstSender.Call> out = new ArrayList<>(ids.size());
        String wait = "?apply=now&timeout=" + dev.raptor.wire.server.Seconds.of(Calls.OPERATION_LIMIT).toPlainString();
        for (int i = 0; i < ids.size(); i++) {
            out.add(new BurstSender.Call(org.eclipse.jetty.http.HttpMethod.PATCH, "/servers/" + ids.get(i) + wait,
                    ServerPatch.MEDIA_TYPE, dev.raptor.wire.json.WireJson.writeBytes(recreatePatch(i, round))));
        }
        return out;
    }

    /** How many servers are in each state, and how many name a last error (the first one's quoted). */
    private static String states(RaptorClient api) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        int errors = 0;
        String firstError = null;
        for (var s : api.servers().list().servers()) {
            counts.merge(s.state(), 1, Integer::sum);
            if (s.lastError() != null) {
                errors++;
                firstError = firstError == null ? s.lastError() : firstError;
            }
        }
        return counts + ", " + errors + " with a last error" + (firstError == null ? "" : " (first: " + firstError + ")");
    }

    /** How many of the operations ({@code Operation-Location}s) ended how, with the first message of each kind. */
    private static String outcomes(RaptorClient api, List<String> locations) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        java.util.Map<String, String> first = new java.util.TreeMap<>();
        for (String location : locations) {
            String status;
            String message = null;
            if (location == null) {
                status = "no Operation-Location";
            } else {
                try {
                    dev.raptor.wire.operation.OperationDocument op = api.operations().get(location.substring(location.lastIndexOf('/') + 1));
                    status = op.status();
                    message = op.reason() + (op.problem() == null ? "" : " " + op.problem());
                } catch (RuntimeException e) {
                    status = "unreadable";
                    message = e.getMessage();
                }
            }
            counts.merge(status, 1, Integer::sum);
            if (message != null && !"done".equals(status)) {
                first.putIfAbsent(status, message.length() > 300 ? message.substring(0, 300) : message);
            }
        }
        return counts + (first.isEmpty() ? "" : "; first of each: " + first);
    }

    /** The first three fields of {@code /proc/loadavg} and its runnable/all count, e.g. {@code 1.20 1.05 0.90 3/812}. */
    private static String loadavg() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " " + f[3];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Seconds since the daemon's process started (its JVM's uptime, within the JVM's own start-up). */
    private static double uptime(DaemonProcess daemon) {
        return ProcessHandle.of(daemon.pid()).flatMap(p -> p.info().startInstant())
                .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The daemon's garbage collector, as its JVM names it ({@code jcmd VM.info}); "?" when it cannot be read. */
    private static String collector(DaemonProcess daemon) {
        try {
            Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(daemon.pid()), "VM.info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(", ([a-z0-9 ]+) gc, ").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (java.io.IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Server id to container id, as the API lists them. */
    private static java.util.Map<String, String> containers(RaptorClient api) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (var s : api.servers().list().servers()) {
            out.put(s.spec().id().toString(), s.containerId() == null ? "" : s.containerId());
        }
        return out;
    }

    /** One {@code GET /servers} read whole; false when it timed out. */
    /**
     * The polling thread real-time for a measured loop (idle, storm), when {@code ready}: only while it polls, since its
     * cgroup's budget would throttle it for the rest of a second after the work between loops (the warm-up's back-to-back
     * polls, reading every thread's /proc entries), which is not the measured polling.
     */
    private static void realtime(boolean[] state, boolean ready) throws java.io.IOException {
        if (ready && !state[0]) {
            dev.raptor.bench.stats.ThreadRealtime.fifo(1);
            state[0] = true;
        }
    }

    /** The polling thread back to the ordinary policy, if it was real-time. */
    private static void ordinary(boolean[] state) throws java.io.IOException {
        if (state[0]) {
            dev.raptor.bench.stats.ThreadRealtime.ordinary();
            state[0] = false;
        }
    }

    /** The harness's own garbage collections so far: how many, and their time in ms (every collector of this JVM). */
    private static long[] harnessCollections() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    private interface Poll {
        boolean get() throws java.io.IOException;
    }

    /**
     * One {@code GET /servers} at {@code pace}'s next intended start, timed from that start to the whole body read (as a
     * panel would read it), its parsing left out of the time; the poll's deadline is {@link #REQUEST_TIMEOUT}. With {@code polls}, the poll's
     * send and receive and {@code delay}'s thread's wait for a CPU meanwhile are kept.
     */
    private static void poll(Poll get, PollPace pace, Samples into, int[] timeouts, StormPolls polls, dev.raptor.bench.stats.RunDelay delay)
            throws java.io.IOException {
        long waited0 = delay == null ? -1 : delay.nanos(); // before the pace's wait: the wake-up's wait for a CPU counts
        long intended = pace.awaitNext();
        long t0 = System.nanoTime();
        if (get.get()) {
            long t1 = System.nanoTime();
            into.add(t1 - intended);
            if (polls != null) {
                polls.add(intended, t0, t1, waited0 < 0 ? -1 : delay.nanos() - waited0);
            }
        } else {
            timeouts[0]++;
        }
    }
}
