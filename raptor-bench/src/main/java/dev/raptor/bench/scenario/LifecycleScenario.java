package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.bench.daemon.EngineCallTimes;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.engine.RawEngine;
import dev.raptor.bench.stats.PairedRounds;
import dev.raptor.bench.stats.ProcessCpu;
import dev.raptor.bench.stats.Samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Lifecycle overhead: create + start + stop + remove of one idle server through Raptor's HTTP API
 * (each request waiting for its operation) against the same four engine calls made directly with
 * docker-java, alternating the order every round so drift hits both sides alike.
 *
 * <p>Method: round i runs one Raptor round and one docker-java round back to back (Raptor first in even
 * rounds, docker-java first in odd ones), same image, same engine, after {@code --warmup} uncounted rounds
 * of each. Every counted round is kept as a pair. Two figures are printed side by side: the ratio of the two
 * sides' medians (the goal's figure) and the median of the per-pair ratios (each round against its own
 * partner, so the engine's drift between rounds cancels). Beside them, each side's engine calls as its own
 * docker-java client timed them: the reference's four calls, and the daemon's from its
 * {@code raptor_engine_call_seconds} (scraped just before and just after each Raptor round, outside the
 * timed window). A round's time outside its engine calls is the daemon's own work plus, on Raptor's side,
 * the wait between the stop's signal and the exit event (the reference's {@code docker stop} call holds
 * that wait inside the engine).
 */
public final class LifecycleScenario implements Scenario {
    private static final Duration LIMIT = Duration.ofMinutes(20);

    /** With {@code --stop-stamps=1}: each round's stop split by the engine's events; null otherwise. */
    private StopStamps stamps;

    @Override
    public String name() {
        return "lifecycle";
    }

    @Override
    public String description() {
        return "create+start+stop+remove through the API vs docker-java, alternating (--rounds=50)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int rounds = bench.intOption("rounds", 50);
        // both sides warm (the daemon's request code and the harness's docker-java calls), as the process scenario is;
        // a round is engine-bound, so fewer than its 100
        int warmup = bench.intOption("warmup", 20);
        Samples raptor = new Samples();
        Samples raw = new Samples();
        Samples[] raptorSteps = {new Samples(), new Samples(), new Samples(), new Samples()};
        Samples[] rawSteps = {new Samples(), new Samples(), new Samples(), new Samples()};
        PairedRounds paired = new PairedRounds();
        PairedRounds pairedRaptorFirst = new PairedRounds();
        PairedRounds pairedRawFirst = new PairedRounds();
        PairedRounds pairedEngine = new PairedRounds();
        Map<String, Samples> raptorEngine = new TreeMap<>();
        Samples[] rawEngine = {new Samples(), new Samples(), new Samples(), new Samples()};
        Samples[] raptorOwn = {new Samples(), new Samples(), new Samples(), new Samples(), new Samples()};
        double[] cpu = new double[3]; // daemon in Raptor's rounds, dockerd in Raptor's, dockerd in docker-java's
        DaemonProcess daemon = bench.startDaemon("lifecycle");
        long dockerd = ProcessCpu.dockerdPid();
        long started = System.nanoTime();
        stamps = bench.intOption("stop-stamps", 0) == 1 ? new StopStamps(bench.raw().client(), bench.node()) : null;
        try (RaptorClient api = daemon.client(daemon.apiKey()); EngineCallTimes engineTimes = new EngineCallTimes(daemon)) {
            for (int i = 0; i < warmup + rounds && !Bench.past(started, LIMIT); i++) {
                boolean counted = i >= warmup;
                Side ours;
                Side ref;
                if (i % 2 == 0) {
                    ours = raptorRound(bench, api, engineTimes, new long[] {daemon.pid(), dockerd}, i, counted ? raptor : null,
                            counted ? raptorSteps : null);
                    ref = rawRound(bench, bench.raw(), dockerd, i, counted ? raw : null, counted ? rawSteps : null);
                } else {
                    ref = rawRound(bench, bench.raw(), dockerd, i, counted ? raw : null, counted ? rawSteps : null);
                    ours = raptorRound(bench, api, engineTimes, new long[] {daemon.pid(), dockerd}, i, counted ? raptor : null,
                            counted ? raptorSteps : null);
                }
                if (counted) {
                    paired.add(ours.total(), ref.total());
                    (i % 2 == 0 ? pairedRaptorFirst : pairedRawFirst).add(ours.total(), ref.total());
                    ours.engine().forEach((call, n) -> raptorEngine.computeIfAbsent(call, k -> new Samples()).add(n));
                    for (int s = 0; s < rawEngine.length; s++) {
                        rawEngine[s].add(ref.engine().get(RAW_CALLS[s]));
                    }
                    long[] own = ours.ownTime();
                    for (int s = 0; s < own.length; s++) {
                        raptorOwn[s].add(Math.max(0, own[s]));
                    }
                    cpu[0] += ours.cpu()[0];
                    cpu[1] += ours.cpu()[1];
                    cpu[2] += ref.cpu()[1];
                    pairedEngine.add(ours.call("create") + ours.call("start"), ref.call("create") + ref.call("start"));
                }
            }
        } finally {
            if (stamps != null) {
                stamps.close();
            }
            bench.cleanupContainers();
        }
        // Raptor creates the container inside "start"; POST /servers only records the server. Compare totals.
        String[] steps = {"POST /servers vs docker create", "power start (creates the container) vs docker start",
                "power stop vs docker stop", "DELETE vs docker rm"};
        System.out.println("lifecycle: Raptor " + raptor.summary());
        System.out.println("lifecycle: raw    " + raw.summary());
        for (int s = 0; s < steps.length; s++) {
            System.out.println("  " + steps[s] + ": Raptor " + raptorSteps[s].summary() + " vs raw " + rawSteps[s].summary());
        }
        System.out.println("lifecycle method: " + paired.count() + " rounds, each a Raptor round and a docker-java round back"
                + " to back (Raptor first in even rounds, docker-java first in odd ones), same image and engine, " + warmup
                + " warm-up rounds not counted, every counted round kept");
        System.out.println("lifecycle paired: median of per-round ratios " + ratio(paired) + ", median per-round difference "
                + Samples.ms(paired.medianDifferenceNanos()) + "; ratio of medians " + Result.ratio(raptor.medianNanos(), raw.medianNanos()));
        System.out.println("  by order: Raptor first " + ratio(pairedRaptorFirst) + " (" + pairedRaptorFirst.count()
                + " pairs), docker-java first " + ratio(pairedRawFirst) + " (" + pairedRawFirst.count() + " pairs)");
        System.out.println("lifecycle engine calls per round, each side's docker-java client timing (the daemon's from its"
                + " raptor_engine_call_seconds), medians:");
        raptorEngine.forEach((call, t) -> System.out.println("  Raptor " + call + ": " + t.summary()));
        for (int s = 0; s < RAW_CALLS.length; s++) {
            System.out.println("  docker-java " + RAW_CALLS[s] + ": " + rawEngine[s].summary());
        }
        System.out.println("  engine create+start, median of per-round ratios Raptor/docker-java: " + ratio(pairedEngine)
                + " (the engine's own variance between the two sides of a pair)");
        String[] own = {"POST /servers (no engine call)", "power start minus create and start", "power stop minus its signal"
                + " (includes the wait for the exit event)", "DELETE minus remove", "round minus its engine calls"};
        System.out.println("lifecycle Raptor's time outside its engine calls, per round:");
        for (int s = 0; s < own.length; s++) {
            System.out.println("  " + own[s] + ": " + raptorOwn[s].summary());
        }
        int n = Math.max(1, paired.count());
        System.out.println(String.format(java.util.Locale.ROOT, "lifecycle CPU per round (inside the timed rounds, /proc,"
                + " 10 ms ticks summed over %d rounds): daemon %.1f ms; dockerd %.1f ms in Raptor's rounds, %.1f ms in"
                + " docker-java's", paired.count(), cpu[0] * 1000 / n, cpu[1] * 1000 / n, cpu[2] * 1000 / n));
        if (stamps != null) {
            stamps.print();
        }
        List<Result> out = new ArrayList<>();
        double ratio = (double) raptor.medianNanos() / raw.medianNanos();
        out.add(new Result(name(), "create+start+stop+remove, median of " + raptor.count() + " rounds",
                Samples.ms(raptor.medianNanos()), Samples.ms(raw.medianNanos()) + " (docker-java)",
                Result.ratio(raptor.medianNanos(), raw.medianNanos()), "<= 1.05x", Result.verdict(ratio <= 1.05)));
        out.add(Result.context(name(), "same, median of per-round paired ratios (" + paired.count() + " pairs)",
                Samples.ms(paired.medianDifferenceNanos()) + " median difference", "-",
                String.format(java.util.Locale.ROOT, "%.2fx", paired.medianRatio())));
        out.add(Result.context(name(), "same, p99", Samples.ms(raptor.p99Nanos()), Samples.ms(raw.p99Nanos()),
                Result.ratio(raptor.p99Nanos(), raw.p99Nanos())));
        out.add(Result.context(name(), "same, max", Samples.ms(raptor.maxNanos()), Samples.ms(raw.maxNanos()),
                Result.ratio(raptor.maxNanos(), raw.maxNanos())));
        for (int s = 0; s < steps.length; s++) {
            out.add(Result.context(name(), "step " + steps[s] + ", median", Samples.ms(raptorSteps[s].medianNanos()),
                    Samples.ms(rawSteps[s].medianNanos()), Result.ratio(raptorSteps[s].medianNanos(), rawSteps[s].medianNanos())));
        }
        return out;
    }

    /**
     * The diagnostic behind the lifecycle figure: the engine calls one round costs on each side,
     * counted by a pass-through socket (its extra hop makes its timings unfit for the table).
     */
    public static final class EngineCalls implements Scenario {
        @Override
        public String name() {
            return "engine-calls";
        }

        @Override
        public String description() {
            return "diagnostic: engine API calls per lifecycle round, Raptor vs docker-java (--rounds=3)";
        }

        @Override
        public List<Result> run(Bench bench) throws Exception {
            int rounds = bench.intOption("rounds", 3);
            LifecycleScenario lc = new LifecycleScenario();
            List<Result> out = new ArrayList<>();
            try (var counter = new dev.raptor.bench.engine.EngineCallCounter(bench.dockerHost(), bench.work().resolve("engine-proxy.sock"));
                 RawEngine raw = new RawEngine(counter.dockerHost(), bench.node())) {
                DaemonProcess daemon = bench.startDaemon("engine-calls", counter.dockerHost());
                try (RaptorClient api = daemon.client(daemon.apiKey())) {
                    lc.raptorRound(bench, api, null, null, -1, null, null);
                    lc.rawRound(bench, raw, -1, -1, null, null);
                    Thread.sleep(1000);
                    counter.reset();
                    for (int i = 0; i < rounds; i++) {
                        lc.raptorRound(bench, api, null, null, i, null, null);
                    }
                    var raptorCalls = counter.snapshot();
                    counter.reset();
                    for (int i = 0; i < rounds; i++) {
                        lc.rawRound(bench, raw, -1, i, null, null);
                    }
                    var rawCalls = counter.snapshot();
                    // the store's side of one round: each activity entry and desired-state change is a synced commit
                    UUID probe = Calls.create(api, bench.idleServer("engine-calls-activity"));
                    Calls.power(api, probe, "start");
                    Calls.power(api, probe, "stop");
                    var activity = api.server(probe).activity(1000).entries();
                    System.out.println("activity entries written by create+start+stop (each a synced commit, besides the "
                            + "server row and two desired-state writes): " + activity.size());
                    for (var e : activity) {
                        System.out.println("  " + e.type() + ": " + e.message());
                    }
                    Calls.delete(api, probe, false);
                    long raptorTotal = raptorCalls.values().stream().mapToLong(Long::longValue).sum();
                    long rawTotal = rawCalls.values().stream().mapToLong(Long::longValue).sum();
                    System.out.println("engine calls in " + rounds + " Raptor rounds (" + raptorTotal + "):");
                    raptorCalls.forEach((k, v) -> System.out.println("  " + v + "  " + k));
                    System.out.println("engine calls in " + rounds + " docker-java rounds (" + rawTotal + "):");
                    rawCalls.forEach((k, v) -> System.out.println("  " + v + "  " + k));
                    out.add(Result.context(name(), "engine API calls per create+start+stop+remove (counted, not timed)",
                            String.format(java.util.Locale.ROOT, "%.1f", raptorTotal / (double) rounds),
                            String.format(java.util.Locale.ROOT, "%.1f (docker-java)", rawTotal / (double) rounds),
                            Result.ratio(raptorTotal, rawTotal)));
                } finally {
                    bench.cleanupContainers();
                }
            }
            return out;
        }
    }

    /** The docker-java calls of a reference round, in order. */
    private static final String[] RAW_CALLS = {"create", "start", "stop", "remove"};

    /** The daemon's engine calls of a stop: by the stop policy a signal, a console command or (past its grace) a kill. */
    private static final String[] STOP_CALLS = {"signal", "send_input", "kill"};

    /** One side's round: its steps' wall times (create, start, stop, remove) and the time its engine calls took, by call. */
    private record Side(long[] steps, Map<String, Long> engine, double[] cpu) {
        long total() {
            return steps[0] + steps[1] + steps[2] + steps[3];
        }

        long call(String name) {
            return engine.getOrDefault(name, 0L);
        }

        /** Each step's time outside the engine calls made in it, then the round's: the daemon's side of the round. */
        long[] ownTime() {
            long stop = 0;
            for (String c : STOP_CALLS) {
                stop += call(c);
            }
            long[] own = {steps[0], steps[1] - call("create") - call("start"), steps[2] - stop, steps[3] - call("remove"), 0};
            own[4] = own[0] + own[1] + own[2] + own[3];
            return own;
        }
    }

    /** CPU seconds so far of each pid (0 for a pid not given or unreadable). */
    private static double[] cpu(long[] pids) {
        double[] out = new double[2];
        for (int k = 0; pids != null && k < pids.length; k++) {
            out[k] = pids[k] > 0 ? Math.max(0, ProcessCpu.seconds(pids[k])) : 0;
        }
        return out;
    }

    private static String ratio(PairedRounds p) {
        return p.count() == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.3fx", p.medianRatio());
    }

    /**
     * @param pids the daemon's and dockerd's, whose CPU the round's timed window is charged (null: not read)
     */
    private Side raptorRound(Bench bench, RaptorClient api, EngineCallTimes engineTimes, long[] pids, int i, Samples total,
                             Samples[] steps) throws Exception {
        Map<String, Double> before = engineTimes == null ? Map.of() : engineTimes.totals();
        double[] cpu0 = cpu(pids);
        long t0 = System.nanoTime();
        UUID id = Calls.create(api, bench.idleServer("lifecycle-" + i));
        long t1 = System.nanoTime();
        Calls.power(api, id, "start");
        long t2 = System.nanoTime();
        long stopSent = StopStamps.now();
        Calls.power(api, id, "stop");
        long t3 = System.nanoTime();
        long stopHeard = StopStamps.now();
        Calls.delete(api, id, false);
        long t4 = System.nanoTime();
        long removeHeard = StopStamps.now();
        double[] cpu1 = cpu(pids);
        if (stamps != null && total != null) {
            stamps.round(true, id, stopSent, stopHeard, removeHeard);
        }
        record(total, steps, t0, t1, t2, t3, t4);
        Map<String, Long> engine = engineTimes == null ? Map.of() : EngineCallTimes.spent(before, engineTimes.totals());
        return new Side(new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3}, engine, new double[] {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]});
    }

    private Side rawRound(Bench bench, RawEngine raw, long dockerd, int i, Samples total, Samples[] steps) throws Exception {
        UUID id = UUID.randomUUID();
        Path data = bench.work().resolve("raw-volumes").resolve(id.toString());
        double cpu0 = ProcessCpu.seconds(dockerd);
        long t0 = System.nanoTime();
        Files.createDirectories(data);
        long c0 = System.nanoTime();
        String container = raw.create(bench.image(), id, data, Map.of("BOOT_DELAY", "0"));
        long t1 = System.nanoTime();
        raw.start(container);
        long t2 = System.nanoTime();
        long stopSent = StopStamps.now();
        raw.stop(container);
        long t3 = System.nanoTime();
        long stopHeard = StopStamps.now();
        raw.remove(container);
        long r1 = System.nanoTime();
        long removeHeard = StopStamps.now();
        Files.deleteIfExists(data);
        long t4 = System.nanoTime();
        double cpu1 = ProcessCpu.seconds(dockerd);
        record(total, steps, t0, t1, t2, t3, t4);
        if (stamps != null && total != null) {
            stamps.round(false, id, stopSent, stopHeard, removeHeard);
        }
        return new Side(new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3},
                Map.of(RAW_CALLS[0], t1 - c0, RAW_CALLS[1], t2 - t1, RAW_CALLS[2], t3 - t2, RAW_CALLS[3], r1 - t3),
                new double[] {0, cpu1 - cpu0});
    }

    private static void record(Samples total, Samples[] steps, long t0, long t1, long t2, long t3, long t4) {
        if (total == null) {
            return;
        }
        total.add(t4 - t0);
        steps[0].add(t1 - t0);
        steps[1].add(t2 - t1);
        steps[2].add(t3 - t2);
        steps[3].add(t4 - t3);
    }
}
