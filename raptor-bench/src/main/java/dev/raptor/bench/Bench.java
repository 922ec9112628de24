package dev.raptor.bench;

import dev.raptor.bench.daemon.DaemonFacts;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.bench.engine.RawEngine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What every scenario of one harness run shares: the engine ({@code DOCKER_HOST}), the test image, a
 * node label of its own ({@code dev.raptor.node=bench-<random>}, on every container it makes, through
 * Raptor or directly, so cleanup removes exactly those), a short temp directory for data dirs and
 * sockets, and the daemons it started. {@link #close()} stops the daemons, removes the containers and
 * deletes the directory; a shutdown hook does the same on Ctrl-C.
 */
public final class Bench implements AutoCloseable {
    public static final String DEFAULT_IMAGE = "raptor-test/gameserver:1";

    private final String dockerHost;
    private final String image;
    private final String node;
    private final Path work;
    private final Path repo;
    private final RawEngine raw;
    /** Boot takes long on a loaded machine; this only catches a daemon that never answers. */
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);
    private static final AtomicInteger STARTS = new AtomicInteger();

    private final Map<String, String> options;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private final Thread hook;
    private final CpuWeight cpuWeight;
    /** Where the engine's processes run for this run's CPU weight, one phrase for the run's output. */
    private final String engineLayout;
    private Path raptordSnapshot;

    public Bench(Map<String, String> options) throws IOException {
        this.options = options;
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("DOCKER_HOST is not set: run  eval \"$(scripts/engine.sh env)\"  first (the private test engine)");
        }
        this.dockerHost = host.strip();
        this.image = options.getOrDefault("image", DEFAULT_IMAGE);
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        this.node = "bench-" + HexFormat.of().formatHex(r);
        this.work = Files.createTempDirectory(Path.of("/tmp"), "rb-");
        this.repo = Path.of(System.getProperty("raptor.bench.repo", ".")).toAbsolutePath().normalize();
        this.raw = new RawEngine(dockerHost, node);
        this.cpuWeight = CpuWeight.of(options);
        cpuWeight.placeHarness();
        // --engine-units=1 lays the engine's processes out as a systemd host's units (see CpuWeight#placeEngine), the host
        // raptord.service's weight is meant for; 0 (the default) leaves them where they run, as a dockerd started by hand.
        // Not the default: with it the engine here (Docker 20.10) deadlocked in its network controller in 2 of 5 storms
        // (bench README, round 10)
        String units = options.getOrDefault("engine-units", "0").strip();
        if (!units.equals("0") && !units.equals("1")) {
            throw new IllegalArgumentException("--engine-units must be 1 (the engine laid out as a systemd host's units) or 0 (was '"
                    + units + "')");
        }
        this.engineLayout = units.equals("0") ? "the engine left where it runs (--engine-units=1 lays it out as a systemd host's units)"
                : cpuWeight.placeEngine(dev.raptor.bench.stats.ProcessCpu.dockerdPid());
        this.hook = new Thread(this::cleanupQuietly, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public String dockerHost() {
        return dockerHost;
    }

    public String image() {
        return image;
    }

    public String node() {
        return node;
    }

    public Path work() {
        return work;
    }

    public Path repo() {
        return repo;
    }

    public RawEngine raw() {
        return raw;
    }

    /** What the daemons and the harness run with (see {@link CpuWeight}), one line for the run's output. */
    /** Moves the harness's thread {@code tid} into a cgroup of its own with the CPU weight; false where that cannot be done. */
    public boolean placeHarnessThread(long tid, String label) throws IOException {
        return cpuWeight.placeHarnessThread(tid, label);
    }

    /** The calling harness thread ({@code tid}) in a cgroup of its own with a real-time budget; null when placed, else why not. */
    public String placeRealtimeThread(long tid, String label, long rtMicrosPerSecond) throws IOException {
        return cpuWeight.placeRealtimeThread(tid, label, rtMicrosPerSecond);
    }

    public String cpuWeight() {
        return cpuWeight.describe() + "; " + engineLayout;
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public int intOption(String name, int fallback) {
        String v = options.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** Starts a daemon with data dir {@code <work>/<name>} (the same name again = a fresh boot of the same node). */
    public DaemonProcess startDaemon(String name) throws IOException, InterruptedException {
        return startDaemon(name, dockerHost);
    }

    /** The same, with the daemon's DOCKER_HOST pointed elsewhere (e.g. at an {@link dev.raptor.bench.engine.EngineCallCounter}). */
    public DaemonProcess startDaemon(String name, String daemonDockerHost) throws IOException {
        return startDaemon(name, daemonDockerHost, Map.of(), List.of());
    }

    /** The same, with JVM options of the scenario's own after {@code --daemon-jvm}'s (e.g. a safepoint log). */
    public DaemonProcess startDaemon(String name, List<String> jvmOptions) throws IOException {
        return startDaemon(name, dockerHost, Map.of(), jvmOptions);
    }

    /**
     * A daemon on the process runtime (no engine): servers run as supervised local processes under
     * {@code <work>/<name>}. Its servers are not containers, so {@link #cleanupContainers()} does not reach
     * them: the scenario deletes them through the API before it ends.
     */
    public DaemonProcess startProcessDaemon(String name) throws IOException {
        // the server account must pass through the work directory to reach its data directory (the daemon
        // is <work>/<name>; the temp directory above it is 0700)
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        return startDaemon(name, dockerHost, Map.of("RAPTOR_RUNTIME", "process"), List.of());
    }

    private DaemonProcess startDaemon(String name, String daemonDockerHost, Map<String, String> env, List<String> scenarioJvm)
            throws IOException {
        List<String> jvm = new ArrayList<>();
        String extra = options.get("daemon-jvm");
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.strip().split("\\s+")));
        }
        jvm.addAll(scenarioJvm);
        Path dataDir = work.resolve(name);
        Files.createDirectories(dataDir);
        DaemonProcess.Builder b = DaemonProcess.builder().dataDir(dataDir).socket(work.resolve(name + ".sock"))
                .httpPort(DaemonProcess.freePort()).docker(daemonDockerHost, node).apiKey("bench-key-" + node + "-0123456789")
                .env("RAPTOR_SFTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort()) // the bench never takes the shared port 2022
                .env(aot() ? env : withoutAot(env)) // over the defaults above (e.g. RAPTOR_RUNTIME=process)
                .jvmOptions(jvm)
                .log(dataDir.resolveSibling(name + "-daemon-" + STARTS.incrementAndGet() + ".log"));
        Path script = raptord(env.get("RAPTOR_RUNTIME"));
        if (script != null) {
            b.script(script);
        } else {
            b.classPath(DaemonFacts.daemonClasspath());
        }
        DaemonProcess d = b.launch();
        synchronized (daemons) {
            daemons.add(d);
        }
        try {
            cpuWeight.place(d.pid(), name);
        } catch (IOException e) {
            d.close();
            throw new IOException("could not give the daemon its CPU weight (--cpu-weight=0 runs without): " + e.getMessage(), e);
        }
        try {
            d.awaitAnswering(READY_LIMIT);
        } catch (IllegalStateException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /**
     * {@code bin/raptord} when it and its jar exist, unless {@code --daemon=classpath}; null = launch the
     * daemon's main class from the harness's classpath.
     */
    private Path raptord(String runtime) throws IOException {
        if ("classpath".equals(options.get("daemon"))) {
            return null;
        }
        if (raptordSnapshot == null) {
            Path script = repo.resolve("bin/raptord");
            Path jar = repo.resolve("raptor-daemon/target/raptord.jar");
            if (!Files.isExecutable(script)) {
                return null;
            }
            if (!Files.exists(jar)) {
                throw new IllegalStateException("bin/raptord's jar is missing: ./mvnw -pl raptor-daemon -am package -DskipTests "
                        + "(or run with --daemon=classpath)");
            }
            // A snapshot of the launcher and its jar, laid out as in the repository: a rebuild of the
            // daemon during the run (colleagues' builds) cannot swap the jar under a scenario.
            Path root = work.resolve("raptord");
            for (String file : List.of("bin/raptord", "scripts/java-home.sh", "raptor-daemon/target/raptord.jar")) {
                Path to = root.resolve(file);
                Files.createDirectories(to.getParent());
                Files.copy(repo.resolve(file), to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            raptordSnapshot = root.resolve("bin/raptord");
            System.out.println("daemon: bin/raptord with a snapshot of " + jar + " (" + Files.getLastModifiedTime(jar) + ")");
            if (aot()) {
                trainAotCache(raptordSnapshot, runtime);
            } else {
                System.out.println("daemon: without the AOT cache (--daemon-aot=0)");
            }
        }
        return raptordSnapshot;
    }

    private static Map<String, String> withoutAot(Map<String, String> env) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("RAPTORD_AOT", "0");
        return e;
    }

    /** Whether the daemons start with bin/raptord's AOT cache (the default; {@code --daemon-aot=0}: without, to compare). */
    private boolean aot() {
        return !"0".equals(options.get("daemon-aot"));
    }

    /**
     * The snapshot's AOT cache, trained before any daemon of the run starts: bin/raptord would otherwise train it at the
     * first launch, inside the first boot a scenario times. A cache is only used by the jar at the path it was made for,
     * so the repository's own cannot be copied. A failed training is reported; the daemons then start without. It runs
     * under the runtime of the run's first daemon ({@code runtime}; null: the engine's), as bin/raptord trains at an
     * operator's first start under the operator's RAPTOR_RUNTIME.
     */
    private void trainAotCache(Path raptord, String runtime) throws IOException {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(raptord.toString(), "aot-cache").redirectErrorStream(true)
                .redirectOutput(work.resolve("raptord-aot-cache.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("DOCKER_HOST", dockerHost);
        if (runtime != null) {
            pb.environment().put("RAPTOR_RUNTIME", runtime);
        }
        Process p = pb.start();
        try {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                System.out.println("daemon: AOT cache training did not end within 5 min; the daemons start without it");
                return;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while training the AOT cache", e);
        }
        System.out.printf(java.util.Locale.ROOT, "daemon: AOT cache%s %s in %d ms%n", runtime == null ? "" : " (RAPTOR_RUNTIME=" + runtime + ")",
                p.exitValue() == 0 ? "trained" : "training FAILED (see "
                + work.resolve("raptord-aot-cache.log") + ")", (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * An idle test server as the API takes it: boots at once, stops on SIGTERM (the default stop policy). Its start
     * is done as soon as its process runs (settle 0), as a bare {@code docker start} is: the default settle window
     * (2 s of watching for an early exit) would otherwise be most of every start the scenarios time.
     */
    public ServerSpecDocument idleServer(String name) {
        return new ServerSpecDocument(null, name, image, null, Map.of("BOOT_DELAY", "0"), null, null, null, null, null, null, null,
                null, null, null, java.math.BigDecimal.ZERO, null, null, null, null);
    }

    /** Stops every daemon of this run and removes every container carrying its node label. */
    public int cleanupContainers() throws InterruptedException {
        synchronized (daemons) {
            for (DaemonProcess d : daemons) {
                d.close();
            }
            daemons.clear();
        }
        return raw.removeOurs();
    }

    private void cleanupQuietly() {
        try {
            int n = cleanupContainers();
            if (n > 0) {
                System.err.println("cleanup: removed " + n + " containers labelled dev.raptor.node=" + node);
            }
        } catch (Exception e) {
            System.err.println("cleanup failed: " + e + " (remove containers labelled dev.raptor.node=" + node + " by hand)");
        }
        cpuWeight.close(); // the daemons have stopped: their cgroups are empty
        keepLogs();
        deleteTree(work);
    }

    /**
     * With {@code --keep-logs=DIR}: the logs the run wrote at the top of its work directory (the daemons' own logs, the
     * safepoint log the storm asks the daemon's JVM for, the AOT training's) copied to DIR before the work directory
     * goes, to read a run's stall afterwards.
     */
    private void keepLogs() {
        String dir = options.get("keep-logs");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path to = Path.of(dir).toAbsolutePath();
        // the run's own logs sit at the top of the work directory; the daemons' data directories below it are left out
        try (Stream<Path> files = Files.list(work)) {
            Files.createDirectories(to);
            List<Path> logs = files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".log")).toList();
            for (Path log : logs) {
                Files.copy(log, to.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            System.err.println("cleanup: kept " + logs.size() + " logs of the run in " + to);
        } catch (IOException e) {
            System.err.println("cleanup: could not keep the run's logs in " + to + ": " + e);
        }
    }

    static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            deleteTreeOnce(root, attempt == 2);
            if (Files.exists(root)) {
                try {
                    Thread.sleep(1000); // a process that just ended may still be writing its log
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void deleteTreeOnce(Path root, boolean report) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            if (report) {
                System.err.println("cleanup: could not delete " + root + ": " + e);
            }
        }
    }

    /** A {@link Duration} deadline helper: whether {@code startNanos + limit} has passed. */
    public static boolean past(long startNanos, Duration limit) {
        return System.nanoTime() - startNanos > limit.toNanos();
    }

    @Override
    public void close() {
        cleanupQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        raw.close();
    }
}
