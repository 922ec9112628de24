package dev.raptor.cli.command;

import dev.raptor.cli.Main;
import dev.raptor.cli.output.Terminal;

import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The training run for the JDK's AOT cache ({@code bin/raptorctl} runs it once per build, hidden from
 * help): the usual verbs against a canned daemon on a temporary Unix socket, output discarded, so
 * the classes a real {@code raptorctl ps} loads and links are in the cache.
 */
@Command(name = "__aot-training", hidden = true)
public final class AotTrainingCommand implements Callable<Integer> {
    private static final String ID = "3f9c2d1e-0000-4000-8000-00000000c0de";

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("raptorctl-aot");
        Path socket = dir.resolve("raptor.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread t = Thread.ofPlatform().daemon().start(() -> serve(server));
            Map<String, String> env = Map.of("RAPTOR_SOCKET", socket.toString());
            String[][] runs = {
                    {"ps"}, {"ps", "-a"}, {"ps", "--json"}, {"ps", "-a", "--filter", "state=running"},
                    {"inspect", "lobby"}, {"logs", "--tail", "5", "lobby"}, {"stats", "--no-stream"},
                    {"system", "info"}, {"start", "lobby"}, {"ps", "--help"}, {"ps", "--bogus"},
            };
            for (String[] args : runs) {
                Main.run(args, env, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(), Terminal.plain());
            }
            Main.run(new String[]{"ps"}, Map.of("RAPTOR_SOCKET", dir.resolve("absent.sock").toString()),
                    InputStream.nullInputStream(), OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), Terminal.plain());
            t.interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private static void serve(ServerSocketChannel server) {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.ISO_8859_1));
                String requestLine = in.readLine();
                String line;
                long length = 0;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).strip());
                    }
                }
                in.skip(length);
                String path = requestLine == null ? "/" : requestLine.split(" ")[1];
                OutputStream out = Channels.newOutputStream(c);
                if (path.contains("/logs")) {
                    String chunk = "[Server] hello\n";
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] body = body(path).getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String body(String path) {
        String server = "{\"id\":\"" + ID + "\",\"name\":\"lobby\",\"image\":\"raptor-test/gameserver:1\","
                + "\"environment\":{},\"allocations\":[{\"ip\":\"0.0.0.0\",\"port\":25565,\"containerPort\":25565,"
                + "\"protocol\":\"tcp\",\"primary\":true}],\"limits\":{\"memoryMiB\":1024,\"cpuPercent\":100},"
                + "\"labels\":{\"team\":\"blue\"},\"state\":\"running\",\"desiredState\":\"running\",\"version\":3,"
                + "\"createdAt\":\"" + Instant.now().minusSeconds(300) + "\",\"updatedAt\":\"" + Instant.now() + "\"}";
        if (path.equals("/api/v1/servers")) {
            return "[" + server + "]";
        }
        if (path.endsWith("/stats")) {
            return "{\"state\":\"running\",\"cpu_absolute\":12.5,\"memory_bytes\":104857600,\"memory_limit_bytes\":1073741824,"
                    + "\"network\":{\"rx_bytes\":1024,\"tx_bytes\":2048},\"uptime\":60000,\"disk_bytes\":4096}";
        }
        if (path.endsWith("/system")) {
            return "{\"version\":\"0.1.0\",\"runtime\":\"docker\",\"servers\":{\"total\":1,\"running\":1}}";
        }
        if (path.endsWith("/power")) {
            return "{\"outcome\":\"done\"}";
        }
        return server;
    }
}
