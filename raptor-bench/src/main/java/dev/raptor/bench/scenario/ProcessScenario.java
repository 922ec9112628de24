package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.bench.stats.Samples;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.server.ServerSpecDocument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Process runtime overhead: create + start + stop + remove of one server on a daemon running the process
 * runtime (no engine), each request waiting for its operation, against a bare {@link ProcessBuilder} start
 * and SIGTERM of the same command ({@code /bin/sh -c <startup>} in a directory of its own), alternating the
 * order every round. The figure is the difference of the medians: what Raptor's supervisor, records, cgroup
 * and store cost on top of starting and killing the process itself.
 */
public final class ProcessScenario implements Scenario {
    /** Prints a line (the console has something to carry) and stays up until SIGTERM, as an idle server does. */
    static final String STARTUP = "echo ready; exec sleep 3600";
    private static final String READY_PATTERN = "^ready$";
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final long KILL_LIMIT_SECONDS = 30;
    private static final long GOAL_MS = 50;

    @Override
    public String name() {
        return "process";
    }

    @Override
    public String description() {
        return "process runtime create+start+stop+remove through the API vs a bare ProcessBuilder start+kill (--rounds=50)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int rounds = bench.intOption("rounds", 50);
        // the daemon's steady state, as on a node that has served for weeks: 3 rounds left most of each request's code
        // interpreted (the daemon's CPU per round was twice what it is after 200); the harness's cli scenario warms alike
        int warmup = bench.intOption("warmup", 100);
        Samples raptor = new Samples();
        Samples bare = new Samples();
        Samples[] steps = {new Samples(), new Samples(), new Samples(), new Samples()};
        DaemonProcess daemon = bench.startProcessDaemon("process");
        // --step-cpu=1: the daemon's CPU in each step (its threads' run time read around every request; the reads are
        // the harness's own work, outside the daemon's figures but inside the timed steps, so not for the goal's runs)
        long cpuPid = bench.intOption("step-cpu", 0) == 1 ? daemon.pid() : -1;
        long[] stepCpu = new long[4];
        int[] cpuRounds = {0};
        List<UUID> made = new ArrayList<>();
        long started = System.nanoTime();
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            try {
                for (int i = 0; i < warmup + rounds && !Bench.past(started, LIMIT); i++) {
                    boolean counted = i >= warmup;
                    if (i % 2 == 0) {
                        raptorRound(api, i, made, counted ? raptor : null, counted ? steps : null, cpuPid, counted ? stepCpu : null, cpuRounds);
                        bareRound(bench, i, counted ? bare : null);
                    } else {
                        bareRound(bench, i, counted ? bare : null);
                        raptorRound(api, i, made, counted ? raptor : null, counted ? steps : null, cpuPid, counted ? stepCpu : null, cpuRounds);
                    }
                }
            } finally {
                // processes outlive the daemon by design: remove whatever a failed round left
                for (UUID id : made) {
                    Calls.delete(api, id, true);
                }
            }
        } finally {
            bench.cleanupContainers();
        }
        System.out.println("process: Raptor " + raptor.summary());
        System.out.println("process: bare   " + bare.summary());
        String[] names = {"POST /servers", "power start", "power stop", "DELETE"};
        for (int s = 0; s < names.length; s++) {
            System.out.println("  " + names[s] + ": " + steps[s].summary());
        }
        if (cpuRounds[0] > 0) {
            StringBuilder b = new StringBuilder("process: daemon CPU per step, mean of " + cpuRounds[0] + " rounds (its threads' run time):");
            for (int s = 0; s < names.length; s++) {
                b.append(String.format(java.util.Locale.ROOT, " %s %.2f ms;", names[s], stepCpu[s] / 1e6 / cpuRounds[0]));
            }
            System.out.println(b);
        }
        long overhead = raptor.medianNanos() - bare.medianNanos();
        List<Result> out = new ArrayList<>();
        out.add(new Result(name(), "create+start+stop+remove overhead over a bare start+kill, medians of " + raptor.count() + " rounds",
                Samples.ms(overhead) + " (" + Samples.ms(raptor.medianNanos()) + " - " + Samples.ms(bare.medianNanos()) + ")",
                Samples.ms(bare.medianNanos()) + " (ProcessBuilder)", Result.ratio(raptor.medianNanos(), bare.medianNanos()),
                "<= " + GOAL_MS + " ms", Result.verdict(overhead <= GOAL_MS * 1_000_000L)));
        out.add(Result.context(name(), "same, p99", Samples.ms(raptor.p99Nanos()), Samples.ms(bare.p99Nanos()),
                Result.ratio(raptor.p99Nanos(), bare.p99Nanos())));
        for (int s = 0; s < names.length; s++) {
            out.add(Result.context(name(), "step " + names[s] + ", median", Samples.ms(steps[s].medianNanos()), "-", "-"));
        }
        return out;
    }

    private static void raptorRound(RaptorClient api, int i, List<UUID> made, Samples total, Samples[] steps, long cpuPid, long[] stepCpu,
                                    int[] cpuRounds) throws Exception {
        // the start is done at its first line, as the bare round's is (not after a settle window)
        ServerSpecDocument spec = new ServerSpecDocument(null, "process-" + i, null, STARTUP, null, null, null, null, null, null,
                null, null, null, READY_PATTERN, null, null, null);
        long[] cpu = new long[5];
        cpu[0] = cpuPid > 0 ? dev.raptor.bench.stats.ProcessCpu.runNanos(cpuPid) : 0;
        long t0 = System.nanoTime();
        UUID id = Calls.create(api, spec);
        made.add(id);
        long t1 = System.nanoTime();
        cpu[1] = cpuPid > 0 ? dev.raptor.bench.stats.ProcessCpu.runNanos(cpuPid) : 0;
        Calls.power(api, id, "start");
        long t2 = System.nanoTime();
        cpu[2] = cpuPid > 0 ? dev.raptor.bench.stats.ProcessCpu.runNanos(cpuPid) : 0;
        Calls.power(api, id, "stop");
        long t3 = System.nanoTime();
        cpu[3] = cpuPid > 0 ? dev.raptor.bench.stats.ProcessCpu.runNanos(cpuPid) : 0;
        Calls.delete(api, id, false);
        long t4 = System.nanoTime();
        cpu[4] = cpuPid > 0 ? dev.raptor.bench.stats.ProcessCpu.runNanos(cpuPid) : 0;
        made.remove(id);
        if (stepCpu != null && cpuPid > 0) {
            for (int s = 0; s < 4; s++) {
                stepCpu[s] += cpu[s + 1] - cpu[s];
            }
            cpuRounds[0]++;
        }
        if (total != null) {
            total.add(t4 - t0);
            steps[0].add(t1 - t0);
            steps[1].add(t2 - t1);
            steps[2].add(t3 - t2);
            steps[3].add(t4 - t3);
        }
    }

    /**
     * The same command started, seen running (its first line read), SIGTERMed and reaped, with nothing
     * around it; its directory is made and removed, as Raptor's is.
     */
    private static void bareRound(Bench bench, int i, Samples total) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path dir = Files.createDirectories(bench.work().resolve("process-bare").resolve(Integer.toString(i)));
        Process p = new ProcessBuilder("/bin/sh", "-c", STARTUP).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String first = out.readLine(); // the process ends (EOF) at worst: never blocks past its life
            if (!"ready".equals(first)) {
                throw new IllegalStateException("a bare sh -c '" + STARTUP + "' printed " + first);
            }
            p.destroy(); // SIGTERM, as Raptor's default stop policy sends
            if (!p.waitFor(KILL_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a bare sh -c '" + STARTUP + "' did not end on SIGTERM within " + KILL_LIMIT_SECONDS + " s");
            }
        } finally {
            p.destroyForcibly();
            p.getOutputStream().close();
            p.getInputStream().close();
        }
        Files.delete(dir);
        if (total != null) {
            total.add(System.nanoTime() - t0);
        }
    }
}
