package dev.raptor.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * raptord's hidden {@value #VERB} verb: the training run of the daemon's JDK AOT cache (JEP 483/514; {@code bin/raptord}
 * runs it under {@code -XX:AOTCacheOutput} once per jar and JDK). It boots a daemon as {@code raptord} would, on a data
 * directory of its own (temporary, removed after), on loopback ports the kernel picks and under a node label of its
 * own (so it adopts and removes nothing on a shared engine), asks its API what a panel asks first, and shuts it down:
 * the classes of a boot and of those requests are what the cache then holds.
 *
 * <p>On the process runtime it also takes {@value #LIFECYCLES} servers through create, start, stop and delete (a shell
 * that prints a line and sleeps, stopped by SIGTERM): the classes of those requests and the profiles of their methods
 * (JEP 515) are then in the cache too, instead of being loaded, linked and profiled inside an operator's first
 * requests. Nothing of them is left: each is deleted (forced) whatever happened, and a server that outlived a failed
 * delete ends by itself within {@value #SERVER_SECONDS} s. Under Docker no server is made (it would need an image).
 * A lifecycle that fails is reported and the cache is still made, of the boot.
 *
 * <p>Without the cache a boot loads ~7,700 classes from the jar, verifying and linking each: about half the CPU of an
 * empty daemon's boot (raptor-bench scale; see its README).
 */
final class AotTraining {
    static final String VERB = "__aot-training";
    /** Servers taken through create, start, stop and delete on the process runtime. */
    static final int LIFECYCLES = 3;
    /** How long a training server would live if nothing stopped it. */
    static final int SERVER_SECONDS = 30;
    private static final Pattern SERVER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\"");

    private AotTraining() {
    }

    static boolean accepts(List<String> command) {
        return command.size() == 1 && command.getFirst().equals(VERB);
    }

    /** Boots, asks, stops; 0 when the daemon booted and answered, else 1 (the launcher then keeps no cache). */
    static int run(Map<String, String> environment, String version, PrintStream err) {
        Path dir;
        try {
            dir = Files.createTempDirectory("raptord-aot-training");
            // the process runtime's server user must pass through it to reach its data directory (the daemon's own
            // layout sets the modes below); the temporary directory is 0700
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            err.println("raptord: AOT training: no temporary directory: " + e.getMessage());
            return 1;
        }
        try {
            String key = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
            Map<String, String> env = new HashMap<>(environment);
            // the engine and the runtime choice stay the operator's (the classes of that runtime are the ones to train);
            // everything that names a place, a port or a secret is the training's own
            env.keySet().removeIf(k -> k.startsWith("RAPTOR_") && !k.equals("RAPTOR_RUNTIME") || k.equals("DAEMON_DATA_DIR"));
            env.put("RAPTOR_DATA_DIR", dir.resolve("data").toString());
            env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:0");
            env.put("RAPTOR_SOCKET", dir.resolve("raptor.sock").toString());
            env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:0");
            env.put("RAPTOR_API_KEY", key);
            env.put("RAPTOR_NODE", "aot-training-" + UUID.randomUUID().toString().substring(0, 8));
            // not the operator's config file: none (a missing default file is fine)
            DaemonConfig config = new ConfigLoader(env, dir, false, dir.resolve("none.yml")).load(null);
            try (Daemon daemon = Daemon.start(config, version)) {
                int port = daemon.api().port();
                for (String path : List.of("/api/v1/servers", "/api/v1/health", "/metrics")) {
                    request(port, "GET", path, key, null);
                }
                if ("process".equals(daemon.runtimeName())) {
                    try {
                        for (int i = 0; i < LIFECYCLES; i++) {
                            lifecycle(port, key, i);
                        }
                    } catch (IOException e) {
                        err.println("raptord: AOT training: a server's create/start/stop/delete failed (the cache holds the boot): " + e.getMessage());
                    }
                }
            }
            return 0;
        } catch (RuntimeException | IOException e) { // a ConfigException among them
            err.println("raptord: AOT training failed: " + e);
            return 1;
        } finally {
            deleteTree(dir);
        }
    }

    /** One server created, started (done at its ready line), stopped and deleted, as a panel does. */
    private static void lifecycle(int port, String key, int round) throws IOException {
        String created = ok(request(port, "POST", "/api/v1/servers", key, "{\"name\":\"aot-training-" + round
                + "\",\"startup\":\"echo ready; exec sleep " + SERVER_SECONDS + "\",\"readyPattern\":\"^ready$\",\"settleSeconds\":0}"));
        Matcher id = SERVER_ID.matcher(created);
        if (!id.find()) {
            throw new IOException("no server id in the answer to its create: " + created);
        }
        String server = "/api/v1/servers/" + id.group(1);
        try {
            done(request(port, "POST", server + "/power", key, "{\"action\":\"start\"}"));
            done(request(port, "POST", server + "/power", key, "{\"action\":\"stop\"}"));
        } finally {
            done(request(port, "DELETE", server + "?force=true", key, null));
        }
    }

    /**
     * One request on a plain socket (no HTTP client: its classes would be in the cache, loaded at every start for
     * nothing); its whole answer, head and body.
     */
    private static String request(int port, String method, String path, String key, String json) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + (json == null ? "" : "\r\nContent-Type: application/json") + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@code answer} when its status is 2xx, else an IOException naming its status line. */
    private static String ok(String answer) throws IOException {
        if (!answer.startsWith("HTTP/1.1 2")) {
            throw new IOException("answered " + answer.lines().findFirst().orElse("nothing"));
        }
        return answer;
    }

    /** An operation's answer that says it is done (a power action or delete answered 200 may still have failed). */
    private static void done(String answer) throws IOException {
        if (!ok(answer).contains("\"status\":\"done\"")) {
            throw new IOException("the operation did not succeed: " + answer.substring(answer.indexOf("\r\n\r\n") + 4));
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind: the system's cleaner takes it
        }
    }
}
