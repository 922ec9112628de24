package dev.raptor.process;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the process runtime's tests need of this machine: the repository's test game server, free ports,
 * and a directory the unprivileged server user can reach. Missing pieces fail loudly, never skip.
 */
final class TestHost {
    static final String DONE_LINE = "Done! For help, type \"help\"";
    private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static volatile Path ncShim;

    private TestHost() {
    }

    /** The repository root: RAPTOR_TEST_REPO_ROOT (set by surefire), else the first directory up from user.dir holding mvnw. */
    static Path repoRoot() {
        String env = System.getenv("RAPTOR_TEST_REPO_ROOT");
        if (env != null && !env.isBlank() && Files.isRegularFile(Path.of(env, "scripts/test-image/gameserver.sh"))) {
            return Path.of(env).toAbsolutePath();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        return fail("cannot find the repository root (set RAPTOR_TEST_REPO_ROOT)");
    }

    static Path gameServerScript() {
        Path script = repoRoot().resolve("scripts/test-image/gameserver.sh");
        if (!Files.isRegularFile(script)) {
            fail("the test game server " + script + " is missing");
        }
        return script;
    }

    /** A TCP port free on 127.0.0.1 now and not handed out before in this JVM. */
    static int freePort() {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = s.getLocalPort();
                if (PORTS_HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fail("no free port found");
    }

    /**
     * The test game server: {@code sh gameserver.sh}, ready at "Done!", stopped with its console command, listening on
     * a free port of 127.0.0.1. gameserver.sh listens with busybox's {@code nc -ll -p PORT -e ...}; this host has busybox
     * but no {@code nc} on PATH, so the spec's PATH starts with a directory holding {@code nc -> busybox}.
     */
    static ServerSpec.Builder gameServer() {
        return ServerSpec.builder()
                .startup("sh " + gameServerScript())
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(10)))
                .port("127.0.0.1", freePort())
                .env("PATH", ncShim() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    /** {@code target/test-bin} of this module, holding {@code nc} linked to busybox; everyone may read it. */
    static synchronized Path ncShim() {
        if (ncShim == null) {
            Path busybox = Path.of("/bin/busybox");
            if (!Files.isExecutable(busybox)) {
                fail("gameserver.sh needs busybox's nc and /bin/busybox is missing (scripts/engine.sh installs busybox-static)");
            }
            try {
                Path dir = Path.of("target", "test-bin").toAbsolutePath();
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path nc = dir.resolve("nc");
                if (!Files.isSymbolicLink(nc)) {
                    Files.createSymbolicLink(nc, busybox);
                }
                ncShim = dir;
            } catch (FileAlreadyExistsException e) {
                ncShim = Path.of("target", "test-bin").toAbsolutePath(); // a concurrent JVM (the restart test's child) made it
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ncShim;
    }

    /** Lets the server user pass through {@code dir} (JUnit makes temp directories 0700). */
    static Path reachable(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
