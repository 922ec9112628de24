package dev.raptor.core.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A local update source for tests: a real HTTP server on 127.0.0.1 (free port) serving a manifest at
 * {@code /manifest.json} and packs (tar.gz made by the system's {@code tar} from files the test names). No internet.
 * {@link #publish} makes a version the latest; {@link #publishWithChecksum} lies about the pack's SHA-256.
 */
public final class PackServer implements AutoCloseable {
    private final HttpServer http;
    private final Path work;
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();

    public PackServer(Path work) {
        this.work = work;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/", exchange -> {
            byte[] body = documents.get(exchange.getRequestURI().getPath());
            String v = exchange.getRequestURI().getQuery();
            if (v != null && v.startsWith("version=")) {
                body = documents.get(exchange.getRequestURI().getPath() + "?" + v);
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        http.start();
    }

    /** The manifest's address. */
    public URI manifest() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/manifest.json");
    }

    /** Makes {@code version} (a pack of {@code files}: path to content) the latest; also served for {@code ?version=}. */
    public byte[] publish(String version, Map<String, String> files) {
        byte[] pack = pack(version, files);
        publishWithChecksum(version, pack, sha256(pack));
        return pack;
    }

    /** Makes {@code version} the latest, with a manifest that gives {@code sha256} for it (a lie, if the test wants one). */
    public void publishWithChecksum(String version, byte[] pack, String sha256) {
        String packPath = "/packs/" + version + ".tar.gz";
        documents.put(packPath, pack);
        byte[] manifest = """
                {"version": "%s", "url": "packs/%s.tar.gz", "sha256": "%s", "size": %d}""".formatted(version, version, sha256, pack.length)
                .getBytes(StandardCharsets.UTF_8);
        documents.put("/manifest.json", manifest);
        documents.put("/manifest.json?version=" + version, manifest);
    }

    /** A tar.gz of {@code files}, made by the system's tar. */
    public byte[] pack(String version, Map<String, String> files) {
        try {
            Path dir = Files.createTempDirectory(work, "pack-" + version + "-");
            Path tree = Files.createDirectory(dir.resolve("tree"));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = tree.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            Path out = dir.resolve("pack.tar.gz");
            Process tar = new ProcessBuilder("tar", "-czf", out.toString(), "-C", tree.toString(), ".").redirectErrorStream(true).start();
            String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("tar failed: " + said);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A game whose files say its version: {@code run.sh} prints it, appends it to {@code boots.log}, prints the ready
     * line {@code Done!} (unless {@code ready} is false: a version that never comes up), then answers {@code stop}.
     */
    public static Map<String, String> game(String version, boolean ready) {
        String run = """
                #!/bin/sh
                v=$(cat version.txt)
                echo "pack version $v starting"
                echo "started $v" >> boots.log
                %s
                while true; do
                  if read -r line; then [ "$line" = stop ] && echo "stopping $v" && exit 0; else sleep 1; fi
                done
                """.formatted(ready ? "echo 'Done! version '$v" : "echo 'this version never gets ready'");
        return Map.of("run.sh", run, "version.txt", version + "\n", "server.properties", "motd=default of version " + version + "\n",
                "world/README", "the pack's own world of version " + version + "\n");
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
