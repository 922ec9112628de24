package dev.raptor.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * raptord's hidden {@value #VERB} verb: the training run of the daemon's JDK AOT cache (JEP 483/514; {@code bin/raptord}
 * runs it under {@code -XX:AOTCacheOutput} once per jar and JDK). It boots a daemon as {@code raptord} would, on a data
 * directory of its own (temporary, removed after), on loopback ports the kernel picks and under a node label of its
 * own (so it adopts and removes nothing on a shared engine), asks its API what a panel asks first, and shuts it down:
 * the classes of a boot and of those requests are what the cache then holds.
 *
 * <p>Without the cache a boot loads ~7,700 classes from the jar, verifying and linking each: about half the CPU of an
 * empty daemon's boot (raptor-bench scale; see its README).
 */
final class AotTraining {
    static final String VERB = "__aot-training";

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
                    get(port, path, key);
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

    /** One GET on a plain socket (no HTTP client: its classes would be in the cache, loaded at every start for nothing). */
    private static void get(int port, String path, String key) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            in.transferTo(OutputStream.nullOutputStream());
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
