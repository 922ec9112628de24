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
 * Responsiveness under a storm: latency of {@code GET /api/v1/servers} (one poller, back to back) while
 * 100 running servers are recreated concurrently ({@code PATCH ?apply=now} changing their environment)
 * with a console socket attached to each; the reference is the same poll on the same daemon with the
 * same servers and sockets, idle, just before the storm.
 */
public final class StormScenario implements Scenario {
    /** A list request slower than this counts as a timeout (and is abandoned). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** {@code --poller}'s default: one blocking socket read by the polling thread itself ({@link SocketPoller}). */
    static final String DEFAULT_POLLER = "socket";
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
        DaemonProcess daemon = bench.startDaemon("storm", daemonJvm);
        StormPolls stormPolls = new StormPolls();
        long stormStart = System.nanoTime();
        List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
        List<ConsoleCounter> sockets = Collections.synchronizedList(new ArrayList<>());
        String consoleProblem = null;
        java.util.Set<Long> pollerClientThreads = new java.util.HashSet<>();
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
                    : "RaptorClient (--poller=client: its selector thread reads and decodes each answer)"));
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
            // let the consoles' streams settle and the daemon's JIT warm up: the reference must be idle, not cold
            Thread.sleep(5_000);
            long warm = System.nanoTime();
            while (!Bench.past(warm, WARMUP)) {
                poll(get, new Samples(), new int[1], null, null);
            }
            Samples idle = new Samples();
            int[] idleTimeouts = {0};
            long t = System.nanoTime();
            double idleFrom = uptime(daemon);
            double idleCpu = dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid());
            double idleAllocated = dev.raptor.bench.daemon.DaemonAllocation.bytes(daemon.port(), daemon.apiKey());
            while (!Bench.past(t, IDLE_POLL)) {
                poll(get, idle, idleTimeouts, null, null);
            }
            double idleTo = uptime(daemon);
            idleCpu = dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid()) - idleCpu;
            idleAllocated = dev.raptor.bench.daemon.DaemonAllocation.bytes(daemon.port(), daemon.apiKey()) - idleAllocated;
            // a count a busy machine does not bend: what one idle poll costs the daemon in allocation and CPU
            System.out.printf(java.util.Locale.ROOT, "storm: the idle poll: %d polls, the daemon allocated %.0f MB (%.1f KB a poll), "
                    + "used %.2f ms of CPU a poll%n", idle.count(), idleAllocated / 1e6, idleAllocated / 1e3 / Math.max(1, idle.count()),
                    idleCpu * 1e3 / Math.max(1, idle.count()));

            java.util.Map<String, String> before = containers(api);
            Samples storm = new Samples();
            int[] stormTimeouts = {0};
            AtomicBoolean stormOver = new AtomicBoolean();
            AtomicInteger recreateFailures = new AtomicInteger();
            long dockerd = dev.raptor.bench.stats.ProcessCpu.dockerdPid();
            double[] cpu0 = {dev.raptor.bench.stats.ProcessCpu.seconds(daemon.pid()),
                    dev.raptor.bench.stats.ProcessCpu.seconds(ProcessHandle.current().pid()), dev.raptor.bench.stats.ProcessCpu.seconds(dockerd)};
            long pausesMark = safepoints.mark();
            // who waited for a CPU during the storm: each thread of the daemon and of the harness, and the machine's run queue
            dev.raptor.bench.stats.ThreadDelays daemonThreads = dev.raptor.bench.stats.ThreadDelays.of(daemon.pid());
            dev.raptor.bench.stats.ThreadDelays harnessThreads = dev.raptor.bench.stats.ThreadDelays.of(ProcessHandle.current().pid());
            dev.raptor.bench.stats.RunQueue runQueue = dev.raptor.bench.stats.RunQueue.start();
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
            while (!stormOver.get() && !Bench.past(stormStart, STORM_LIMIT.plusMinutes(1))) {
                poll(get, storm, stormTimeouts, stormPolls, pollerDelay);
            }
            storm0.join(Duration.ofMinutes(1));
            long stormNanos = System.nanoTime() - stormStart;
            if (pollerNice != 0) {
                dev.raptor.bench.stats.ThreadNice.set(0);
            }
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

            String setup = ids.size() + " servers, " + sockets.size() + " consoles";
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
        return ServerPatch.of().with("environment", java.util.Map.of("BOOT_DELAY", "0", "STORM", Integer.toString(i)));
    }

    /** One {@code PATCH ?apply=now} per server, each waiting for its recreate as {@link Calls#patchApplyNow} does. */
    private static List<BurstSender.Call> recreates(List<UUID> ids) {
        List<BurstSender.Call> out = new ArrayList<>(ids.size());
        String wait = "?apply=now&timeout=" + dev.raptor.wire.server.Seconds.of(Calls.OPERATION_LIMIT).toPlainString();
        for (int i = 0; i < ids.size(); i++) {
            out.add(new BurstSender.Call(org.eclipse.jetty.http.HttpMethod.PATCH, "/servers/" + ids.get(i) + wait,
                    ServerPatch.MEDIA_TYPE, dev.raptor.wire.json.WireJson.writeBytes(recreatePatch(i))));
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
    private interface Poll {
        boolean get() throws java.io.IOException;
    }

    /**
     * One {@code GET /servers}, timed from the request to the whole body read (as a panel would read it), its
     * parsing left out of the time; the poll's deadline is {@link #REQUEST_TIMEOUT}. With {@code polls}, the poll's
     * send and receive and {@code delay}'s thread's wait for a CPU meanwhile are kept.
     */
    private static void poll(Poll get, Samples into, int[] timeouts, StormPolls polls, dev.raptor.bench.stats.RunDelay delay)
            throws java.io.IOException {
        long waited0 = delay == null ? -1 : delay.nanos();
        long t0 = System.nanoTime();
        if (get.get()) {
            long t1 = System.nanoTime();
            into.add(t1 - t0);
            if (polls != null) {
                polls.add(t0, t1, waited0 < 0 ? -1 : delay.nanos() - waited0);
            }
        } else {
            timeouts[0]++;
        }
    }
}
