package dev.raptor.cli;

import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The training run of {@code raptorctl ps}'s own AOT cache (the hidden {@code __aot-training-ps}; {@code bin/raptorctl}
 * runs it once per build and uses that cache for the plain table forms of {@code ps}). A JDK AOT cache loads every class
 * its training loaded at each start, whether the run needs it or not: the cache of the usual verbs holds picocli,
 * Jackson and Jetty's client, about 3,900 classes, and a {@code ps} with it cost as much CPU as one without any cache.
 * So this training runs the quick path alone ({@link QuickPs}: a table and {@code -q}, never {@code --json}, which
 * needs the wire records) against a canned answer on a Unix socket served with the same JDK classes the client
 * uses, and nothing else: no picocli, no HTTP server, no Jackson.
 */
final class QuickPsTraining {
    /** What a daemon answers to {@code GET /servers} (its members as the wire records write them), three servers. */
    private static final String LIST = """
            {"servers":[{"id":"3f9c2d1e-0000-4000-8000-00000000c0de","name":"lobby","image":"raptor-test/gameserver:1",\
            "startup":"java -jar server.jar","environment":{"EULA":"true"},"allocations":[{"ip":"0.0.0.0","port":25565,\
            "containerPort":25565,"protocol":"tcp","primary":true},{"ip":"127.0.0.1","port":19132,"containerPort":19132,\
            "protocol":"udp","primary":false}],"limits":{"memoryMiB":2048,"swapMiB":-1,"cpuPercent":200,"diskMiB":0,\
            "ioWeight":500,"pidsLimit":0,"oomKiller":true},"stop":{"type":"command","value":"stop","timeoutSeconds":30},\
            "restart":{"policy":"on-failure","maxRetries":5,"onUnhealthy":false},"mounts":[],"labels":{"team":"red"},\
            "extraHosts":{},"readyPattern":"Done \\\\(","state":"running","desiredState":"running","version":3,\
            "createdAt":"2026-12-05T10:15:30.123456Z","updatedAt":"2026-12-05T10:16:00Z","crashLoop":false,\
            "lastError":null,"containerId":"9b1c2d3e4f5a","startedAt":"2026-12-05T10:16:00.5Z","busyWith":null,\
            "health":"none","socketConnected":false,"lastCommunication":null},\
            {"id":"3f9c2d1e-0000-4000-8000-00000000c0df","name":"survival \\u00e9","image":"itzg/minecraft-server:java21",\
            "allocations":[{"ip":"::1","port":25566,"containerPort":25565,"protocol":"tcp","primary":true}],\
            "state":"offline","desiredState":"stopped","version":1,"createdAt":"2026-12-04T08:00:00Z","crashLoop":false,\
            "lastError":"exited with code 1","containerId":null,"startedAt":null,"busyWith":null,"health":"none",\
            "socketConnected":false,"lastCommunication":null},\
            {"id":"3f9c2d1e-0000-4000-8000-00000000c0e0","name":"proxy","image":"raptor-test/gameserver:1",\
            "allocations":[],"state":"starting","desiredState":"running","version":2,"createdAt":"2026-12-05T11:00:00Z",\
            "crashLoop":false,"lastError":null,"containerId":"1a2b3c","startedAt":"2026-12-05T11:00:01Z",\
            "busyWith":"start","health":"starting","socketConnected":false,"lastCommunication":null}],"count":3}""";

    private QuickPsTraining() {
    }

    /** Whether {@code args} asks for this training (the hidden verb {@code __aot-training-ps}). */
    static boolean handles(String[] args) {
        return args.length == 1 && args[0].equals("__aot-training-ps");
    }

    /*
     * The cache holds every class this run loads, and each ps loads them all at its start: so the training's own
     * scaffolding uses nothing a ps does not (checked by RaptorctlAgainstLiveDaemonTest with a class-load log). No lambda
     * (the canned daemon is a Runnable of its own), no Files.createTempDirectory (its random names start a SecureRandom
     * of the default algorithm, SHA-1 mixing and its message digests), and RaptorctlMain halts after it as after a ps.
     */
    static int run(PrintWriter err) {
        try {
            Path dir = ownDirectory();
            Path socket = dir.resolve("raptor.sock");
            try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                daemon.bind(UnixDomainSocketAddress.of(socket));
                Thread server = new Thread(new CannedDaemon(daemon), "raptorctl-aot-ps-daemon");
                server.setDaemon(true);
                server.start();
                Map<String, String> env = Map.of("RAPTOR_SOCKET", socket.toString());
                String[][] runs = {{"ps"}, {"ps", "-a"}, {"ls", "-a", "--no-trunc"}, {"ps", "-a", "-q"}};
                for (String[] args : runs) {
                    // as RaptorctlMain runs it (its writers, a table with and without colour), output discarded
                    for (Terminal terminal : new Terminal[]{Terminal.plain(), new Terminal(true, true)}) {
                        PrintWriter out = new PrintWriter(OutputStream.nullOutputStream(), true);
                        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream(), true);
                        int code = QuickPs.run(args, env, InputStream.nullInputStream(), OutputStream.nullOutputStream(), out, quiet, terminal,
                                QuickPs.askFirst(env));
                        if (code != 0) {
                            err.println("raptorctl: the ps training run " + String.join(" ", args) + " exited " + code);
                            return 1;
                        }
                    }
                }
                ageEveryWay();
            } finally {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(dir);
            }
            return 0;
        } catch (IOException e) {
            err.println("raptorctl: the ps training run failed: " + e);
            return 1;
        }
    }

    /**
     * Every branch of the CREATED column's age ({@link Human#duration}) once. Each of its string concatenations is a
     * call site linked on first use (a {@code StringConcatFactory} bootstrap: about ten classes initialised and method
     * handles combined, interpreted); the cache keeps those its training linked. The list above, written with fixed
     * dates, reaches one branch or another depending on when the training runs, and a {@code ps} of servers made
     * minutes ago (as the bench's are) then linked its branch after the daemon's answer, on the path to the output.
     */
    private static void ageEveryWay() {
        long[] seconds = {0, 1, 30, 60, 5 * 60, 3_600, 5 * 3_600, 3 * 86_400, 3 * 7 * 86_400, 3 * 30 * 86_400, 3 * 365 * 86_400L};
        for (long s : seconds) {
            Human.duration(Duration.ofSeconds(s));
        }
    }

    /**
     * A new directory of this run's own under the JDK's temporary directory (mode as the umask leaves it: it holds the
     * canned daemon's socket for the second of the training). Named by the clock, tried again when the name is taken.
     */
    private static Path ownDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(tmp.resolve("raptorctl-aot-ps-" + System.nanoTime()));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** The canned daemon's thread. */
    private record CannedDaemon(ServerSocketChannel daemon) implements Runnable {
        @Override
        public void run() {
            serve(daemon);
        }
    }

    /** Answers every connection with {@link #LIST}, as the daemon does: delimited by the connection's end. */
    private static void serve(ServerSocketChannel daemon) {
        byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + LIST)
                .getBytes(StandardCharsets.UTF_8);
        while (daemon.isOpen()) {
            try (SocketChannel client = daemon.accept()) {
                ByteBuffer request = ByteBuffer.allocate(8192);
                while (client.read(request) >= 0 && !headEnded(request)) {
                    if (!request.hasRemaining()) {
                        break;
                    }
                }
                ByteBuffer out = ByteBuffer.wrap(answer);
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException e) {
                return; // closed: the training is over
            }
        }
    }

    private static boolean headEnded(ByteBuffer request) {
        String seen = new String(request.array(), 0, request.position(), StandardCharsets.ISO_8859_1);
        return seen.contains("\r\n\r\n");
    }
}
