package dev.raptor.bench.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Raptor daemon the harness started as a child JVM: {@code bin/raptord} (the runnable jar with the
 * shipped JVM options) or the daemon's {@code main} on the harness's classpath, a temporary data directory, a free loopback port, a socket in the temp directory, a
 * node name of its own (so it only ever sees, adopts or removes the harness's containers) and its
 * output in {@code daemon.log} beside the data. Closing it sends SIGTERM (servers keep running, as in
 * production), then SIGKILL after a bounded wait.
 */
public final class DaemonProcess implements AutoCloseable {
    /** Overrides the daemon's main class when the raptor-daemon jar's manifest does not name one. */
    public static final String MAIN_PROPERTY = "raptor.bench.daemonMain";
    private static final String FALLBACK_MAIN = "dev.raptor.daemon.Main";
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(40);
    private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final Path socket;
    private final String apiKey;
    private final long launchedNanos;
    private long readyNanos;

    private int sftpPort;

    private DaemonProcess(Process process, Path dataDir, Path log, int port, Path socket, String apiKey, long launchedNanos) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
        this.socket = socket;
        this.apiKey = apiKey;
        this.launchedNanos = launchedNanos;
    }

    /**
     * The settings of one daemon; the same {@code dataDir} and {@code node} on a second start make a
     * "fresh boot" of the same node.
     *
     * @param raptord    the launch script {@code bin/raptord} (the daemon as shipped: its runnable jar and JVM
     *                   options, {@code jvmOptions} added through RAPTORD_JAVA_OPTS); null = the daemon's main
     *                   class on the harness's classpath
     * @param env        variables set last, over the defaults (e.g. {@code RAPTOR_RUNTIME=process})
     */
    public record Config(Path dataDir, Path socket, String node, String dockerHost, String apiKey, List<String> jvmOptions,
                         Path raptord, Map<String, String> env) {
    }

    /** Starts the daemon and waits (bounded) until its health endpoint answers. */
    public static DaemonProcess start(Config config) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        int port = freePort();
        Path log = config.dataDir().resolveSibling(config.dataDir().getFileName() + "-daemon-" + STARTS.incrementAndGet() + ".log");
        List<String> cmd = new ArrayList<>();
        if (config.raptord() != null) {
            cmd.add(config.raptord().toString()); // execs java: the pid stays the JVM's
        } else {
            cmd.add(javaBinary());
            cmd.addAll(config.jvmOptions());
            cmd.add("-cp");
            cmd.add(daemonClasspath());
            cmd.add(mainClass());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.remove("DAEMON_DATA_DIR");
        env.put("RAPTOR_DATA_DIR", config.dataDir().toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + port);
        int sftpPort = freePort(); // the bench never takes the shared default port 2022
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_SOCKET", config.socket().toString());
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", config.node());
        env.put("RAPTOR_API_KEY", config.apiKey());
        env.put("DOCKER_HOST", config.dockerHost());
        if (config.raptord() != null) {
            env.put("RAPTORD_JAVA_OPTS", String.join(" ", config.jvmOptions()));
        }
        env.putAll(config.env());
        long launched = System.nanoTime();
        DaemonProcess d = new DaemonProcess(pb.start(), config.dataDir(), log, port, config.socket(), config.apiKey(), launched);
        d.sftpPort = sftpPort;
        try {
            d.awaitHealthy();
        } catch (IOException | RuntimeException | InterruptedException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl() + "/health")).timeout(Duration.ofSeconds(2)).GET().build();
        long limit = launchedNanos + READY_LIMIT.toNanos();
        while (System.nanoTime() < limit) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the daemon exited with code " + process.exitValue() + " during boot; its log:\n" + logTail(40));
            }
            try {
                HttpResponse<Void> r = http.send(health, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() > 0) {
                    readyNanos = System.nanoTime();
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the daemon did not answer /api/v1/health within " + READY_LIMIT.toSeconds() + " s; its log:\n" + logTail(40));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/api/v1";
    }

    /** The loopback port the daemon serves SFTP on. */
    public int sftpPort() {
        return sftpPort;
    }

    public int port() {
        return port;
    }

    public Path socket() {
        return socket;
    }

    public String apiKey() {
        return apiKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    /** From launching the JVM to the first answer of the health endpoint. */
    public Duration bootToHealthy() {
        return Duration.ofNanos(readyNanos - launchedNanos);
    }

    public long launchedNanos() {
        return launchedNanos;
    }

    /** Resident set size of the daemon's JVM, from {@code /proc/<pid>/status} (VmRSS), in bytes. */
    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved )?(\\d+)K, (?:committed (\\d+)K, )?used (\\d+)K");

    /** The daemon's Java heap after a full GC, from {@code jcmd GC.heap_info}: [used, committed] bytes. */
    public long[] heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String out = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(out);
        if (!m.find()) {
            throw new IOException("cannot read the heap from jcmd GC.heap_info:\n" + out);
        }
        long committed = m.group(2) != null ? Long.parseLong(m.group(2)) : Long.parseLong(m.group(1));
        return new long[]{Long.parseLong(m.group(3)) * 1024, committed * 1024};
    }

    /**
     * The daemon's native memory by category ({@code jcmd VM.native_memory summary}), when it runs with
     * {@code -XX:NativeMemoryTracking=summary}; empty otherwise.
     */
    public java.util.Optional<String> nativeMemory() throws IOException, InterruptedException {
        String out = jcmd("VM.native_memory", "summary", "scale=MB");
        return out.contains("Total: reserved") ? java.util.Optional.of(out) : java.util.Optional.empty();
    }

    private String jcmd(String... command) throws IOException, InterruptedException {
        Path jcmd = Path.of(javaBinary()).resolveSibling("jcmd");
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " did not finish within 60 s");
        }
        return out;
    }

    /** The daemon's log so far (its last {@code lines} lines). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * How long boot reconciliation took inside the daemon, from its log: from the line where the runtime
     * reported the engine (just before the fleet boots) to the reconciliation report. Empty when either
     * line is missing.
     */
    public java.util.Optional<Duration> reconcileFromLog() {
        try {
            java.time.Instant engine = null;
            for (String line : Files.readAllLines(log)) {
                if (engine == null && line.contains("RuntimeSelector") && line.contains(" - engine: ")) {
                    engine = java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
                } else if (engine != null && line.contains("boot reconciliation: ReconcileReport")) {
                    java.time.Instant done = java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
                    return java.util.Optional.of(Duration.between(engine, done));
                }
            }
        } catch (IOException | java.time.format.DateTimeParseException | StringIndexOutOfBoundsException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, a bounded wait, then SIGKILL. Game servers keep running. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The harness's classpath without the harness itself (its logback.xml and JMH are not the daemon's). */
    static String daemonClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("raptor-bench"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The daemon's main class: the system property, else the raptor-daemon jar's manifest, else the known name. */
    static String mainClass() {
        String configured = System.getProperty(MAIN_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("raptor-daemon") && entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry)) {
                    Manifest m = jar.getManifest();
                    String main = m == null ? null : m.getMainAttributes().getValue("Main-Class");
                    if (main != null) {
                        return main;
                    }
                } catch (IOException e) {
                    // fall through to the known name
                }
            }
        }
        return FALLBACK_MAIN;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
