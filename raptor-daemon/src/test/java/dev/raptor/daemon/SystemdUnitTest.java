package dev.raptor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code raptor-daemon/src/main/dist/raptord.service} passes {@code systemd-analyze verify} without a
 * single warning. No systemd needs to run: the unit is verified in a throw-away root that holds the
 * host's system units, the unit where the README installs it, and {@code bin/raptord} at
 * {@code /opt/raptor} (where its ExecStart points), since verify checks that the command exists.
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("raptor-daemon/src/main/dist/raptord.service");

    @TempDir
    Path root;

    @Test
    void theUnitPassesSystemdAnalyzeVerifyWithoutWarnings() throws Exception {
        Verified v = verify(Files.readString(repo().resolve(UNIT)));
        assertThat(v.output()).as("systemd-analyze verify said").isEmpty();
        assertThat(v.exitCode()).isZero();
    }

    @Test
    void theCheckCatchesAMistakeInTheUnit() throws Exception {
        String unit = Files.readString(repo().resolve(UNIT)).replace("LimitNOFILE=", "LimitNOFILES=");
        assertThat(verify(unit).output()).contains("Unknown key 'LimitNOFILES'");
    }

    @Test
    void theUnitKeepsGameServersRunningAndRestartsTheDaemonOnFailure() throws Exception {
        List<String> lines = Files.readAllLines(repo().resolve(UNIT));
        assertThat(lines).contains("Type=exec", "KillMode=process", "Restart=on-failure", "SuccessExitStatus=143",
                "LimitNOFILE=1048576", "CPUWeight=1000", "NoNewPrivileges=yes", "ProtectSystem=true", "RestartPreventExitStatus=2");
    }

    private record Verified(int exitCode, String output) {
    }

    private Verified verify(String unit) throws IOException, InterruptedException {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            fail("systemd-analyze is missing: run scripts/test-tools.sh (it installs Debian's systemd package)");
        }
        Path units = Path.of("/usr/lib/systemd/system");
        copyTree(units, root.resolve("usr/lib/systemd/system"));
        Path bin = root.resolve("opt/raptor/bin/raptord");
        Files.createDirectories(bin.getParent());
        Files.copy(repo().resolve("bin/raptord"), bin, StandardCopyOption.COPY_ATTRIBUTES);
        Path installed = root.resolve("etc/systemd/system/raptord.service");
        Files.createDirectories(installed.getParent());
        Files.writeString(installed, unit);
        Process p = new ProcessBuilder(analyze.toString(), "verify", "--root=" + root, "raptord.service")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("systemd-analyze verify did not finish within 60 s: " + out);
        }
        return new Verified(p.exitValue(), out.strip());
    }

    /** Copies the host's units as they are, symlinks as symlinks (verify resolves them inside the root). */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isSymbolicLink(file)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path repo() {
        String env = System.getenv("RAPTOR_TEST_REPO_ROOT");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.dir")).getParent();
        if (!Files.isRegularFile(dir.resolve(UNIT))) {
            fail("cannot find " + UNIT + " under " + dir + " (set RAPTOR_TEST_REPO_ROOT to the repository)");
        }
        return dir;
    }
}
