package dev.raptor.cli.command;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.raptor.cli.RaptorctlMain;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.console.LogsDocument;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.node.NodeSystem;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.LimitsDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.stats.StatsDocument;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The training run for the JDK's AOT cache ({@code bin/raptorctl} runs it once per build, hidden from
 * help): the usual verbs against a canned daemon, output discarded, so the classes a real
 * {@code raptorctl ps} loads and links are in the cache. The canned daemon is the JDK's own HTTP server
 * answering documents built from the wire records, reached the way raptorctl reaches a daemon: through a
 * Unix socket (a byte relay to it), so the client's Unix-domain path is trained too.
 */
@Command(name = "__aot-training", hidden = true)
public final class AotTrainingCommand implements Callable<Integer> {
    private static final UUID ID = UUID.fromString("3f9c2d1e-0000-4000-8000-00000000c0de");

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("raptorctl-aot");
        Path socket = dir.resolve("raptor.sock");
        HttpServer daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        daemon.createContext("/", AotTrainingCommand::answer);
        daemon.start();
        try (ServerSocketChannel relay = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            relay.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofPlatform().daemon().start(() -> relay(relay, daemon.getAddress()));
            Map<String, String> env = Map.of("RAPTOR_SOCKET", socket.toString());
            String[][] runs = {
                    {"ps"}, {"ps", "-a"}, {"ps", "--json"}, {"ps", "-a", "--filter", "state=running"},
                    {"inspect", "lobby"}, {"logs", "--tail", "5", "lobby"}, {"stats", "--no-stream"},
                    {"system", "info"}, {"start", "lobby"}, {"ps", "--help"}, {"ps", "--bogus"},
            };
            for (String[] args : runs) {
                RaptorctlMain.run(args, env, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(), Terminal.plain());
            }
            RaptorctlMain.run(new String[]{"ps"}, Map.of("RAPTOR_SOCKET", dir.resolve("absent.sock").toString()),
                    InputStream.nullInputStream(), OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), Terminal.plain());
        } finally {
            daemon.stop(0);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    /** Copies each Unix-socket connection's bytes to the canned daemon and back. */
    private static void relay(ServerSocketChannel relay, InetSocketAddress daemon) {
        while (relay.isOpen()) {
            try {
                SocketChannel client = relay.accept();
                SocketChannel server = SocketChannel.open(daemon);
                Thread.ofPlatform().daemon().start(() -> copy(client, server));
                Thread.ofPlatform().daemon().start(() -> copy(server, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try (from; to) {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // one side closed: the exchange is over
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = WireJson.writeBytes(document(exchange.getRequestURI().getPath()));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Object document(String path) {
        Instant now = Instant.now();
        ServerDocument server = new ServerDocument(new ServerSpecDocument(ID, "lobby", "raptor-test/gameserver:1", null, Map.of(),
                List.of(new AllocationDocument("0.0.0.0", 25565, 25565, "tcp", true)),
                new LimitsDocument(1024L, 0L, 100, null, 0L, 500, 256, true), null, null, List.of(), Map.of("team", "blue"),
                Map.of(), null, null, null, null, null), "running", "running", 3, now.minusSeconds(300), now, false, null, null,
                now.minusSeconds(60), null, null, "none", false, null);
        if (path.equals("/api/v1/servers")) {
            return new ServerList(List.of(server));
        }
        if (path.endsWith("/stats")) {
            return new StatsDocument(ID, "running", true, now, 104857600, 1073741824, 12.5,
                    new StatsDocument.Network(1024, 2048), 12, 60, 4096, new StatsDocument.Disk(4096L, 0, now, 0L, false), null);
        }
        if (path.endsWith("/logs")) {
            return new LogsDocument(ID, List.of(new LogLineDocument(now, "stdout", "[Server] hello")));
        }
        if (path.endsWith("/system")) {
            return new NodeSystem("0.1.0", now, "docker", new NodeSystem.Engine(true, "20.10", "1.41", Map.of(), List.of(), null),
                    new NodeSystem.ServerCounts(1, 0, 0, 1, 0), null);
        }
        if (path.endsWith("/power")) {
            return new OperationDocument("op-1", "/api/v1/operations/op-1", ID, "power", "start", "done", now, now, "running", null, null,
                    null, null, null, null, null);
        }
        return server;
    }
}
