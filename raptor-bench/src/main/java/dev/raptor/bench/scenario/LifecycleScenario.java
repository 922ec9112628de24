package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.engine.RawEngine;
import dev.raptor.bench.stats.Samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lifecycle overhead: create + start + stop + remove of one idle server through Raptor's HTTP API
 * (each request waiting for its operation) against the same four engine calls made directly with
 * docker-java, alternating the order every round so drift hits both sides alike.
 */
public final class LifecycleScenario implements Scenario {
    private static final Duration LIMIT = Duration.ofMinutes(20);

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
        int warmup = bench.intOption("warmup", 3);
        Samples raptor = new Samples();
        Samples raw = new Samples();
        Samples[] raptorSteps = {new Samples(), new Samples(), new Samples(), new Samples()};
        Samples[] rawSteps = {new Samples(), new Samples(), new Samples(), new Samples()};
        DaemonProcess daemon = bench.startDaemon("lifecycle");
        long started = System.nanoTime();
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            for (int i = 0; i < warmup + rounds && !Bench.past(started, LIMIT); i++) {
                boolean counted = i >= warmup;
                if (i % 2 == 0) {
                    raptorRound(bench, api, i, counted ? raptor : null, counted ? raptorSteps : null);
                    rawRound(bench, bench.raw(), i, counted ? raw : null, counted ? rawSteps : null);
                } else {
                    rawRound(bench, bench.raw(), i, counted ? raw : null, counted ? rawSteps : null);
                    raptorRound(bench, api, i, counted ? raptor : null, counted ? raptorSteps : null);
                }
            }
        } finally {
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
        List<Result> out = new ArrayList<>();
        double ratio = (double) raptor.medianNanos() / raw.medianNanos();
        out.add(new Result(name(), "create+start+stop+remove, median of " + raptor.count() + " rounds",
                Samples.ms(raptor.medianNanos()), Samples.ms(raw.medianNanos()) + " (docker-java)",
                Result.ratio(raptor.medianNanos(), raw.medianNanos()), "<= 1.05x", Result.verdict(ratio <= 1.05)));
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
                    lc.raptorRound(bench, api, -1, null, null);
                    lc.rawRound(bench, raw, -1, null, null);
                    Thread.sleep(1000);
                    counter.reset();
                    for (int i = 0; i < rounds; i++) {
                        lc.raptorRound(bench, api, i, null, null);
                    }
                    var raptorCalls = counter.snapshot();
                    counter.reset();
                    for (int i = 0; i < rounds; i++) {
                        lc.rawRound(bench, raw, i, null, null);
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

    private void raptorRound(Bench bench, RaptorClient api, int i, Samples total, Samples[] steps) throws Exception {
        long t0 = System.nanoTime();
        UUID id = Calls.create(api, bench.idleServer("lifecycle-" + i));
        long t1 = System.nanoTime();
        Calls.power(api, id, "start");
        long t2 = System.nanoTime();
        Calls.power(api, id, "stop");
        long t3 = System.nanoTime();
        Calls.delete(api, id, false);
        long t4 = System.nanoTime();
        record(total, steps, t0, t1, t2, t3, t4);
    }

    private void rawRound(Bench bench, RawEngine raw, int i, Samples total, Samples[] steps) throws Exception {
        UUID id = UUID.randomUUID();
        Path data = bench.work().resolve("raw-volumes").resolve(id.toString());
        long t0 = System.nanoTime();
        Files.createDirectories(data);
        String container = raw.create(bench.image(), id, data, Map.of("BOOT_DELAY", "0"));
        long t1 = System.nanoTime();
        raw.start(container);
        long t2 = System.nanoTime();
        raw.stop(container);
        long t3 = System.nanoTime();
        raw.remove(container);
        Files.deleteIfExists(data);
        long t4 = System.nanoTime();
        record(total, steps, t0, t1, t2, t3, t4);
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
