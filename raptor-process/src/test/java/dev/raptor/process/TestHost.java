package dev.raptor.process;

import dev.raptor.core.testing.HostPortsForTests;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the process runtime's tests need of this machine: the repository's test game server (copied where the
 * unprivileged server user may read it, wherever the repository is), free ports, and a directory the server
 * user can reach. Missing pieces fail loudly, never skip.
 */
final class TestHost {
    static final String DONE_LINE = "Done! For help, type \"help\"";
    private static Path serverFiles;

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

    /** The test game server, in a place the server user may read (see {@link #serverFiles()}). */
    static Path gameServerScript() {
        return serverFiles().resolve("gameserver.sh");
    }

    /**
     * What the unprivileged server user runs, copied out of the repository, which may sit under a directory only
     * root may enter (a clone in /root): {@code <tmp>/raptor-test-host-<uid>-<hash>/} (0755) holding
     * {@code gameserver.sh} and {@code bin/nc -> /bin/busybox}. Named by this user and the script's content, so every
     * JVM of a run (and of later runs) shares one copy, made atomically; one that is not this user's alone fails.
     */
    static synchronized Path serverFiles() {
        if (serverFiles == null) {
            serverFiles = makeServerFiles();
        }
        return serverFiles;
    }

    private static Path makeServerFiles() {
        Path source = repoRoot().resolve("scripts/test-image/gameserver.sh");
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isRegularFile(source)) {
            fail("the test game server " + source + " is missing");
        }
        if (!Files.isExecutable(busybox)) {
            fail("gameserver.sh needs busybox's nc and /bin/busybox is missing (scripts/engine.sh installs busybox-static)");
        }
        try {
            byte[] script = Files.readAllBytes(source);
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script)).substring(0, 16);
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            Path dir = tmp.resolve("raptor-test-host-" + uid + "-" + hash);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Path making = Files.createTempDirectory(tmp, "raptor-test-host-");
                Path bin = Files.createDirectory(making.resolve("bin"));
                Files.write(making.resolve("gameserver.sh"), script);
                Files.setPosixFilePermissions(making.resolve("gameserver.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.createSymbolicLink(bin.resolve("nc"), busybox);
                Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(making, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    deleteTree(making); // another JVM made it first
                }
            }
            for (Path p : List.of(dir, dir.resolve("bin"), dir.resolve("gameserver.sh"))) {
                int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (owner != uid || mode.charAt(4) == 'w' || mode.charAt(7) == 'w') {
                    fail(p + " is not this user's alone (owner " + owner + ", mode " + mode + "): remove it");
                }
            }
            if (!Arrays.equals(Files.readAllBytes(dir.resolve("gameserver.sh")), script)) {
                fail(dir.resolve("gameserver.sh") + " differs from " + source + ": remove " + dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A host port for a test server: free now, outside the ephemeral range, never handed out twice ({@link HostPortsForTests}). */
    static int freePort() {
        return HostPortsForTests.free();
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

    /** A directory holding {@code nc} linked to busybox, which everyone may read. */
    static Path ncShim() {
        return serverFiles().resolve("bin");
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
