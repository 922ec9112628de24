package dev.raptor.bench;

import dev.raptor.bench.scenario.BackupScenario;
import dev.raptor.bench.scenario.CliScenario;
import dev.raptor.bench.scenario.FanoutScenario;
import dev.raptor.bench.scenario.FilesScenario;
import dev.raptor.bench.scenario.IntentsScenario;
import dev.raptor.bench.scenario.LifecycleScenario;
import dev.raptor.bench.scenario.ProcessScenario;
import dev.raptor.bench.scenario.ScaleScenario;
import dev.raptor.bench.scenario.Scenario;
import dev.raptor.bench.scenario.SftpScenario;
import dev.raptor.bench.scenario.StormScenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end load harness: {@code Harness SCENARIO|all [--option=value ...]}. Each scenario
 * starts what it needs on the private engine (a daemon as a child JVM, on loopback and a temp
 * socket), measures a figure and its reference in the same run, cleans up its containers, and adds
 * rows to the results table printed at the end (Markdown, as README.md holds it).
 */
public final class Harness {
    private static final List<Scenario> SCENARIOS = List.of(new LifecycleScenario(), new StormScenario(), new FanoutScenario(),
            new IntentsScenario(), new ScaleScenario(), new CliScenario(), new ProcessScenario(), new LifecycleScenario.EngineCalls(), new SftpScenario(),
            new BackupScenario(), new FilesScenario());

    private Harness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage();
            return;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("options are --name=value (was '" + a + "')");
                System.exit(2);
            }
            options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : args[0].split(",")) {
            if (name.equals("all")) {
                // the six measured scenarios; engine-calls is a diagnostic, run by name
                chosen.addAll(SCENARIOS.stream().filter(x -> !x.name().equals("engine-calls")).toList());
                continue;
            }
            Scenario s = SCENARIOS.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (s == null) {
                System.err.println("unknown scenario '" + name + "'");
                usage();
                System.exit(2);
            }
            chosen.add(s);
        }
        double maxLoad = Double.parseDouble(options.getOrDefault("wait-load", "-1"));
        List<Result> results = new ArrayList<>();
        Map<Result, String> loads = new java.util.IdentityHashMap<>();
        System.out.println("machine: " + Machine.describe());
        try (Bench bench = new Bench(options)) {
            System.out.println("engine: " + bench.dockerHost() + ", image " + bench.image() + ", node label dev.raptor.node=" + bench.node());
            System.out.println(bench.cpuWeight());
            for (Scenario s : chosen) {
                waitForLoad(maxLoad);
                String before = Machine.load();
                long t0 = System.nanoTime();
                System.out.println("== " + s.name() + " (load " + before + ")");
                List<Result> rows;
                try {
                    rows = s.run(bench);
                } catch (Exception | AssertionError e) {
                    System.err.println(s.name() + " failed: " + e);
                    e.printStackTrace(System.err);
                    rows = List.of(Result.notMeasured(s.name(), s.description(), "failed: " + oneLine(e)));
                    bench.cleanupContainers();
                }
                for (Result r : rows) {
                    results.add(r);
                    loads.put(r, before.substring(0, before.indexOf(' ')));
                }
                System.out.printf(Locale.ROOT, "== %s done in %.0f s (load before %s, after %s)%n", s.name(),
                        (System.nanoTime() - t0) / 1e9, before, Machine.load());
            }
        }
        System.out.println();
        System.out.println("Measured " + Machine.describe());
        System.out.println();
        System.out.println(Result.MARKDOWN_HEADER);
        String machine = Machine.cores() + " cores, " + Machine.memory();
        for (Result r : results) {
            System.out.println(r.markdownRow(java.time.LocalDate.now().toString(), machine, loads.get(r)));
        }
    }

    /** Waits (at most 10 minutes) for the 1-minute load average to drop to {@code max}; a negative max does not wait. */
    private static void waitForLoad(double max) throws InterruptedException {
        if (max < 0) {
            return;
        }
        long t0 = System.nanoTime();
        while (Machine.load1() > max && System.nanoTime() - t0 < 600_000_000_000L) {
            Thread.sleep(5_000);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.lines().findFirst().orElse(m);
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    private static void usage() {
        System.out.println("usage: raptor-bench/run SCENARIO[,SCENARIO...]|all [--option=value ...]");
        System.out.println("       raptor-bench/run jmh [JMH options]");
        System.out.println("scenarios:");
        for (Scenario s : SCENARIOS) {
            System.out.printf("  %-10s %s%n", s.name(), s.description());
        }
        System.out.println("common options: --image=raptor-test/gameserver:1  --wait-load=1.0 (wait for a quieter machine)"
                + "  --daemon-jvm='-Xmx256m ...'  --daemon-aot=0 (bin/raptord without its AOT cache, to compare)");
        System.out.println("               --cpu-weight=1000 (daemon and harness each in a cgroup with raptord.service's CPUWeight; 0: leave"
                + " them where they are, to compare)"
                + "  --engine-units=0 (1: dockerd and containerd each in a cgroup at the default weight, as a systemd host's docker.service"
                + " and containerd.service; 0: left where they run)  --keep-logs=DIR (the daemons' logs and the run's other logs"
                + " copied there before the work directory is removed)");
        System.out.println("storm options: --servers=100  --warmup-storm=1 (the same recreates once, not measured, before the idle"
                + " reference: a warm daemon; 0: the storm on a cold one, as before 2026-12-07)  --poll-rate=0 (back to back, each poll timed from its send; N: N polls a"
                + " second, each timed from its intended start, coordinated omission corrected)  --poller-rt=1 (the polling thread at SCHED_FIFO while it polls, in a cgroup with a real-time budget: it stands in for a panel on another machine; 0: an ordinary thread, as before 2026-12-07)  --poll-stamps=1 (the daemon stamps each answer: the slowest polls split into"
                + " to the daemon (selector / read-task wait / read) / wait for a thread / handler / write / back)  --poller=client (poll with RaptorClient, as before 2026-12-06 22:50; default: one blocking socket read by the polling thread)  --poller-nice=0 (the polling thread's nice value, e.g. -10)  --poller-cgroup=1 (the polling thread in a cgroup of its own with the harness's weight; cgroup v1)"
                + "  --burst=threads (the recreates from a virtual thread each on RaptorClient, as before 2026-12-06 19:45; default:"
                + " all at once from one thread, one connection each)");
        System.out.println("lifecycle options: --rounds=50 --warmup=20  --stop-stamps=1 (each stop split by the engine's kill/die"
                + " events: signal delivery, the game server's exit, the exit's delivery and answer, the remove's wait)");
        System.out.println("process options: --rounds=50 --warmup=100  --step-cpu=1 (the daemon's CPU in each step, its threads' run time read"
                + " around every request: counts, not for the goal's figures)");
        System.out.println("needs DOCKER_HOST: eval \"$(scripts/engine.sh env)\"");
    }
}
