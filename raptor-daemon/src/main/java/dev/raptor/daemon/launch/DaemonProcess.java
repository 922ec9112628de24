package dev.raptor.daemon.launch;

import dev.raptor.daemon.RaptordMain;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.node.NodeHealth;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * raptord in a child process, started the way an operator starts it: the daemon's {@code main} on a
 * class path (by default this JVM's), or a launch script such as {@code bin/raptord}, with its settings
 * in environment variables and its output in files. What the bench and the tests that drive a daemon
 * from outside start; it knows nothing of JUnit (raptor-daemon's test-jar adds that, {@code TestDaemon}).
 *
 * <p>It talks to the daemon with {@link RaptorClient}: over TCP with the API key when it has a port,
 * else over the Unix socket. {@link #close()} ends it as a service manager would: SIGTERM, a bounded
 * wait, then SIGKILL; game servers keep running either way, as in production.
 */
public final class DaemonProcess implements AutoCloseable {
    /** How long a SIGTERM may take before {@link #close()} kills the daemon. */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(40);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Process process;
    private final Map<String, String> env;
    private final Path stdout;
    private final Path stderr;
    private final long launchedNanos;
    private volatile long answeredNanos;
    private RaptorClient client;

    private DaemonProcess(Process process, Map<String, String> env, Path stdout, Path stderr, long launchedNanos) {
        this.process = process;
        this.env = Map.copyOf(env);
        this.stdout = stdout;
        this.stderr = stderr;
        this.launchedNanos = launchedNanos;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A free TCP port on the loopback interface (for {@code RAPTOR_HTTP_ADDR}), chosen below the kernel's
     * ephemeral range. A port the kernel handed out for port 0 is free again once probed, and the next
     * port-0 bind anywhere on the machine may take it before the daemon binds it: a daemon whose SFTP
     * listener ({@code 127.0.0.1:0}) got the very port picked for its API failed its boot with "Address
     * already in use". No port-0 bind ever lands outside the ephemeral range, and this JVM never hands
     * out the same port twice.
     */
    public static int freePort() {
        int[] ephemeral = ephemeralPortRange();
        int low = 20_000;
        int high = ephemeral[0] - 1;
        for (int attempt = 0; high - low > 1_000 && attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (HANDED_OUT.contains(candidate)) continue;
            try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                HANDED_OUT.add(candidate);
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use by someone else: try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // no room below the ephemeral range on this machine
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** The kernel's range for port-0 binds ({@code net.ipv4.ip_local_port_range}); Linux's default if unreadable. */
    static int[] ephemeralPortRange() {
        try {
            String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException unreadable) {
            return new int[] {32_768, 60_999};
        }
    }

    // ------------------------------------------------------------------ what it is

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The settings it was started with ({@code RAPTOR_*}, {@code DOCKER_HOST}...), as given. */
    public Map<String, String> env() {
        return env;
    }

    /** The API's TCP port ({@code RAPTOR_HTTP_ADDR}), or -1 when none was given. */
    public int port() {
        String addr = env.get("RAPTOR_HTTP_ADDR");
        return addr == null ? -1 : Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }

    /** The SFTP port ({@code RAPTOR_SFTP_ADDR}), or -1 when it was left to the daemon (a free one, or its default). */
    public int sftpPort() {
        String addr = env.get("RAPTOR_SFTP_ADDR");
        int port = addr == null ? -1 : Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
        return port > 0 ? port : -1;
    }

    /** The API key given in {@code RAPTOR_API_KEY}, or null. */
    public String apiKey() {
        return env.get("RAPTOR_API_KEY");
    }

    public Path dataDir() {
        String dir = env.get("RAPTOR_DATA_DIR");
        return dir == null ? null : Path.of(dir);
    }

    /** The API's Unix socket: {@code RAPTOR_SOCKET}, else the daemon's default in its data directory. */
    public Path socket() {
        String s = env.get("RAPTOR_SOCKET");
        return s != null ? Path.of(s) : dataDir() == null ? null : dataDir().resolve("raptor.sock");
    }

    /**
     * The certificate chain the API serves ({@code RAPTOR_TLS_CERT}), which its clients trust; null when it
     * speaks plain HTTP.
     */
    public Path tlsCertificate() {
        String cert = env.get("RAPTOR_TLS_CERT");
        return cert == null ? null : Path.of(cert);
    }

    /** {@code http://127.0.0.1:port}, or {@code https://} when the API speaks TLS. */
    public String origin() {
        return (tlsCertificate() == null ? "http" : "https") + "://127.0.0.1:" + port();
    }

    /** The API's base URL over TCP ({@code http(s)://127.0.0.1:port/api/v1}). */
    public String baseUrl() {
        return origin() + "/api/v1";
    }

    // ------------------------------------------------------------------ talking to it

    /**
     * The daemon's client, made on first use and closed with the daemon: over TCP with the API key when a
     * port was given (what a panel does), else over the Unix socket.
     */
    public synchronized RaptorClient client() {
        if (client == null) {
            client = port() > 0 ? client(apiKey()) : RaptorClient.overUnixSocket(socket());
        }
        return client;
    }

    /**
     * A client over TCP with {@code credential} (an API key or a token), over HTTPS trusting the served
     * certificate chain when the API speaks TLS; the caller closes it.
     */
    public RaptorClient client(String credential) {
        return RaptorClient.builder().http(URI.create(origin())).trustedCertificates(tlsCertificate()).credential(credential).build();
    }

    /**
     * Waits until the daemon answers its health check with {@code ok}, at most {@code limit}.
     *
     * @throws IllegalStateException when it exits first or the limit passes, with its output
     */
    public void awaitHealthy(Duration limit) {
        await(limit, true);
    }

    /** Waits until the daemon answers its health check at all (ok or not), at most {@code limit}: it is serving. */
    public void awaitAnswering(Duration limit) {
        await(limit, false);
    }

    private void await(Duration limit, boolean healthy) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("raptord exited with " + process.exitValue() + " during boot:\n" + output());
            }
            try {
                NodeHealth h = client().health();
                if (!healthy || h.status().equals("ok")) {
                    answeredNanos = System.nanoTime();
                    return;
                }
                last = "health answered " + h;
            } catch (RaptorException notYet) {
                last = notYet.getMessage();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for raptord", e);
            }
        }
        throw new IllegalStateException("raptord was not " + (healthy ? "healthy" : "answering") + " within "
                + limit.toSeconds() + " s (" + last + "):\n" + output());
    }

    /** From launching the process to its first answer ({@link #awaitAnswering}, {@link #awaitHealthy}). */
    public Duration bootToHealthy() {
        return Duration.ofNanos(answeredNanos - launchedNanos);
    }

    public long launchedNanos() {
        return launchedNanos;
    }

    // ------------------------------------------------------------------ its output

    public Path stdoutFile() {
        return stdout;
    }

    /** Where its standard error goes: a file of its own, or the same file as its output. */
    public Path stderrFile() {
        return stderr;
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** Everything it printed so far, standard output then standard error (once when they share a file). */
    public String output() {
        return stdout.equals(stderr) ? read(stdout) : "--- stdout\n" + read(stdout) + "--- stderr\n" + read(stderr);
    }

    /** The last {@code lines} lines it wrote (standard error's when it has a file of its own: that is its log). */
    public String logTail(int lines) {
        List<String> all = read(stderr).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // ------------------------------------------------------------------ ending it

    /** Waits, at most {@code within}, for the process to end by itself (a command such as {@code key show}); its exit code. */
    public int awaitExit(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("raptord did not exit within " + within.toSeconds() + " s:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for raptord to exit", e);
        }
    }

    /** SIGTERM, then its exit code (at most {@code within}; 143 after a clean shutdown). */
    public int terminate(Duration within) {
        closeClient();
        process.destroy();
        return awaitExit(within);
    }

    /** SIGTERM, a bounded wait ({@link #STOP_LIMIT}), then SIGKILL. Idempotent. */
    @Override
    public void close() {
        closeClient();
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** How to start it. Settings left unset are the daemon's defaults; the caller's {@code RAPTOR_*} variables are not inherited. */
    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private List<String> jvmOptions = List.of("--enable-native-access=ALL-UNNAMED", "-Xmx256m");
        private String classPath = System.getProperty("java.class.path");
        private Path script;
        private List<String> wrapper = List.of();
        private Path stdout;
        private Path stderr;
        private boolean append;

        private Builder() {
        }

        public Builder dataDir(Path dir) {
            return env("RAPTOR_DATA_DIR", dir.toString());
        }

        public Builder socket(Path socket) {
            return env("RAPTOR_SOCKET", socket.toString());
        }

        /** The API on {@code 127.0.0.1:port}. */
        public Builder httpPort(int port) {
            return env("RAPTOR_HTTP_ADDR", "127.0.0.1:" + port);
        }

        public Builder apiKey(String key) {
            return env("RAPTOR_API_KEY", key);
        }

        /**
         * The Docker runtime on the engine at {@code host}, its containers labelled with {@code node} so that
         * daemons sharing one engine never touch each other's ({@code RAPTOR_RUNTIME}, {@code DOCKER_HOST},
         * {@code RAPTOR_NODE}; another runtime is set with {@link #env}).
         */
        public Builder docker(String host, String node) {
            return env("RAPTOR_RUNTIME", "docker").env("DOCKER_HOST", host).env("RAPTOR_NODE", node);
        }

        /** Any other variable of its environment. */
        public Builder env(String name, String value) {
            env.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /** raptord's own arguments ({@code --config FILE}, {@code key show}...). */
        public Builder args(List<String> arguments) {
            args.addAll(arguments);
            return this;
        }

        /** JVM options (default: native access for SQLite, a 256 MiB heap); with a script, given as RAPTORD_JAVA_OPTS. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** The class path to run {@link RaptordMain} from (default: this JVM's). */
        public Builder classPath(String path) {
            this.classPath = path;
            return this;
        }

        /** Runs the launch script (such as {@code bin/raptord}, which execs java: the pid stays the JVM's) instead of the main class. */
        public Builder script(Path raptord) {
            this.script = raptord;
            return this;
        }

        /**
         * A program that runs it and execs into it, keeping the pid the JVM's, such as {@code nsenter
         * --net=/var/run/netns/worker --} (a {@code raptord agent} in a worker's network namespace).
         */
        public Builder wrapper(List<String> command) {
            this.wrapper = List.copyOf(command);
            return this;
        }

        /** Standard output and standard error to files of their own. */
        public Builder output(Path stdoutFile, Path stderrFile) {
            this.stdout = stdoutFile;
            this.stderr = stderrFile;
            this.append = false;
            return this;
        }

        /** Both to one file, appended to (one log for several boots of a node). */
        public Builder log(Path file) {
            this.stdout = file;
            this.stderr = file;
            this.append = true;
            return this;
        }

        /** Starts it; does not wait for it to serve. */
        public DaemonProcess launch() {
            if (stdout == null) {
                throw new IllegalStateException("say where its output goes: output(...) or log(...)");
            }
            List<String> command = new ArrayList<>(wrapper);
            if (script != null) {
                command.add(script.toString());
            } else {
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmOptions);
                // the daemon's own logging, not a test's logback-test.xml that may be on the class path
                command.add("-Dlogback.configurationFile=logback.xml");
                command.add("-cp");
                command.add(classPath);
                command.add(RaptordMain.class.getName());
            }
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> e = pb.environment();
            e.keySet().removeIf(k -> k.startsWith("RAPTOR_") || k.equals("DAEMON_DATA_DIR") || k.equals("RAPTORD_JAVA_OPTS"));
            e.putAll(env);
            // never the default SFTP port (2022): daemons side by side, and the operator's own, must not collide
            e.putIfAbsent("RAPTOR_SFTP_ADDR", "127.0.0.1:0");
            if (script != null) {
                e.put("RAPTORD_JAVA_OPTS", String.join(" ", jvmOptions));
            }
            if (stdout.equals(stderr)) {
                pb.redirectErrorStream(true).redirectOutput(append ? ProcessBuilder.Redirect.appendTo(stdout.toFile())
                        : ProcessBuilder.Redirect.to(stdout.toFile()));
            } else {
                pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            }
            try {
                long launched = System.nanoTime();
                return new DaemonProcess(pb.start(), env, stdout, stderr, launched);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot start raptord: " + ex.getMessage(), ex);
            }
        }
    }
}
