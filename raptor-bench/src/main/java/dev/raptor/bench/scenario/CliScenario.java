package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.ServerQuery;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.stats.Samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * CLI start-up: wall time of {@code bin/raptorctl ps} (over the daemon's Unix socket) against
 * {@code docker ps} on the same engine, alternating, each a fresh process as an operator runs it.
 * The daemon holds 10 servers, 5 running. An operator's {@code raptorctl ps} meets a daemon that has been up for
 * a while, as {@code docker ps} meets a running dockerd: before timing, the daemon answers {@code --warmup}
 * lists (default 300, over TCP) and five untimed {@code raptorctl ps} (over its Unix socket), so that a freshly
 * booted daemon's first answers (interpreted code: the first one took 0.7 s at load 20, the next ones ~10 ms)
 * are not what is measured.
 */
public final class CliScenario implements Scenario {
    private static final long RUN_LIMIT_SECONDS = 60;

    @Override
    public String name() {
        return "cli";
    }

    @Override
    public String description() {
        return "wall time of bin/raptorctl ps vs docker ps, alternating (--runs=20, --warmup=300 lists first)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int runs = bench.intOption("runs", 20);
        int warmup = bench.intOption("warmup", 300);
        Path raptorctl = bench.repo().resolve("bin/raptorctl");
        if (!Files.isExecutable(raptorctl)) {
            return List.of(Result.notMeasured(name(), "raptorctl ps wall time", raptorctl + " does not exist yet (issue 6)"));
        }
        DaemonProcess daemon = bench.startDaemon("cli");
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            for (int i = 0; i < 10; i++) {
                UUID id = Calls.create(api, bench.idleServer("cli-" + i));
                if (i % 2 == 0) {
                    Calls.power(api, id, "start");
                }
            }
            List<String> ctl = List.of(raptorctl.toString(), "ps");
            List<String> docker = List.of("docker", "-H", bench.dockerHost(), "ps");
            // a daemon that has been up a while: its list route warmed (not counted)
            for (int i = 0; i < warmup; i++) {
                api.servers().listJson(ServerQuery.all());
            }
            // first runs build the CLI jar / warm the page cache and the Unix socket's path: not counted
            for (int i = 0; i < 5; i++) {
                time(ctl, daemon, bench);
            }
            time(docker, daemon, bench);
            // the floor under any JVM CLI: starting and stopping a JVM with raptorctl's flags, doing nothing
            List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djdk.reflect.useNativeAccessorOnly=true", "-version");
            time(jvm, daemon, bench);
            Samples raptor = new Samples();
            Samples ref = new Samples();
            Samples floor = new Samples();
            for (int i = 0; i < runs; i++) {
                floor.add(time(jvm, daemon, bench));
                if (i % 2 == 0) {
                    raptor.add(time(ctl, daemon, bench));
                    ref.add(time(docker, daemon, bench));
                } else {
                    ref.add(time(docker, daemon, bench));
                    raptor.add(time(ctl, daemon, bench));
                }
            }
            System.out.println("cli: raptorctl ps " + raptor.summary());
            System.out.println("cli: docker ps    " + ref.summary());
            System.out.println("cli: java -version (same flags) " + floor.summary());
            List<Result> out = new ArrayList<>();
            out.add(new Result(name(), "raptorctl ps wall time, median of " + runs + " (10 servers, 5 running)",
                    Samples.ms(raptor.medianNanos()), Samples.ms(ref.medianNanos()) + " (docker ps)",
                    Result.ratio(raptor.medianNanos(), ref.medianNanos()), "<= 3x",
                    Result.verdict(raptor.medianNanos() <= 3 * ref.medianNanos())));
            out.add(Result.context(name(), "same, p99 / max", Samples.ms(raptor.p99Nanos()) + " / " + Samples.ms(raptor.maxNanos()),
                    Samples.ms(ref.p99Nanos()) + " / " + Samples.ms(ref.maxNanos()), Result.ratio(raptor.p99Nanos(), ref.p99Nanos())));
            out.add(Result.context(name(), "JVM start+exit alone (java -version, raptorctl's flags), median",
                    Samples.ms(floor.medianNanos()), Samples.ms(ref.medianNanos()) + " (docker ps)",
                    Result.ratio(floor.medianNanos(), ref.medianNanos())));
            return out;
        } finally {
            bench.cleanupContainers();
        }
    }

    private static long time(List<String> command, DaemonProcess daemon, Bench bench) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RAPTOR_SOCKET", daemon.socket().toString());
        pb.environment().put("DOCKER_HOST", bench.dockerHost());
        pb.environment().remove("RAPTOR_API_KEY");
        long t0 = System.nanoTime();
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within " + RUN_LIMIT_SECONDS + " s");
        }
        long elapsed = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + new String(output, StandardCharsets.UTF_8));
        }
        return elapsed;
    }
}
