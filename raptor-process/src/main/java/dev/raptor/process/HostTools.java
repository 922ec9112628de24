package dev.raptor.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The programs of the host the supervisor needs, by absolute path, so that a server's own PATH (which
 * its spec may set) cannot change what the supervisor runs. Found once, when the runtime opens.
 *
 * @param sh      a POSIX shell ({@code /bin/sh}: dash, busybox ash or bash)
 * @param setsid  starts the supervisor and the server in sessions of their own (util-linux or busybox)
 * @param awk     tags, stamps and rotates console output (mawk, gawk or busybox awk)
 * @param awkArgs options that make {@code awk} read its input line by line ({@code -W interactive} for mawk)
 * @param rm      deletes rotated-out log files
 * @param setpriv drops from root to the server's user (util-linux); null when missing
 * @param taskset pins servers to CPUs ({@code limits.threads}); null when missing
 * @param useradd creates the server user; null when missing
 */
record HostTools(Path sh, Path setsid, Path awk, List<String> awkArgs, Path rm, Path setpriv, Path taskset,
                 Path useradd) {

    private static final List<String> DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    /**
     * Finds the programs on the daemon's PATH and the standard directories.
     *
     * @throws IllegalStateException naming every required program that is missing
     */
    static HostTools find() {
        List<String> missing = new ArrayList<>();
        Path sh = Files.isExecutable(Path.of("/bin/sh")) ? Path.of("/bin/sh") : require("sh", missing);
        Path setsid = require("setsid", missing);
        Path awk = require("awk", missing);
        Path rm = require("rm", missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the process runtime needs " + String.join(", ", missing)
                    + " on this host (util-linux, coreutils and an awk, or busybox)");
        }
        List<String> awkArgs = isMawk(awk) ? List.of("-W", "interactive") : List.of();
        return new HostTools(sh, setsid, awk, awkArgs, rm, which("setpriv").orElse(null), which("taskset").orElse(null),
                which("useradd").orElse(null));
    }

    private static Path require(String name, List<String> missing) {
        Optional<Path> p = which(name);
        if (p.isEmpty()) {
            missing.add(name);
            return null;
        }
        return p.get();
    }

    static Optional<Path> which(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isBlank() && d.startsWith("/")) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(DIRS);
        for (String d : dirs) {
            Path candidate = Path.of(d, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /** mawk reads pipes in blocks unless told otherwise, which would hold console lines back. */
    private static boolean isMawk(Path awk) {
        try {
            Path real = awk.toRealPath();
            if (real.getFileName().toString().contains("mawk")) {
                return true;
            }
            if (real.getFileName().toString().contains("busybox") || real.getFileName().toString().contains("gawk")) {
                return false;
            }
            Process p = new ProcessBuilder(awk.toString(), "-W", "version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("mawk");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
