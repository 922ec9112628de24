package dev.raptor.sftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's own {@code sftp} and {@code ssh} clients, driven in batch mode: a password is typed by {@code sshpass}
 * (from the environment, never on a command line), a key is given with {@code -i}. Host keys are not remembered
 * unless a known_hosts file is named. Every run has a deadline that only catches hangs.
 */
final class OpenSsh {
    static final Duration DEADLINE = Duration.ofMinutes(5);

    record Result(int exit, String output) {
        /** The lines the server's answers produced (without the echoed batch commands). */
        List<String> lines() {
            return output.lines().filter(l -> !l.startsWith("sftp>")).toList();
        }
    }

    private OpenSsh() {
    }

    static List<String> common(int port, Path knownHosts) {
        List<String> c = new ArrayList<>(List.of(
                "-o", "BatchMode=no", // before -b: ssh takes an option's first value, and -b would say yes
                "-o", "UserKnownHostsFile=" + (knownHosts == null ? "/dev/null" : knownHosts.toString()),
                "-o", "StrictHostKeyChecking=" + (knownHosts == null ? "no" : "accept-new"),
                "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=30"));
        c.addAll(List.of("-P", Integer.toString(port)));
        return c;
    }

    /** {@code sftp -b -} with a password. */
    static Result sftpWithPassword(int port, String login, String password, String batch, Path workDir) throws IOException, InterruptedException {
        return sftpWithPassword(port, login, password, batch, workDir, List.of());
    }

    /** {@code sftp -b -} with a password and more options (e.g. {@code -c cipher}). */
    static Result sftpWithPassword(int port, String login, String password, String batch, Path workDir, List<String> options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sshpass", "-e", "sftp"));
        cmd.addAll(common(port, null));
        cmd.addAll(options);
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", "-b", "-", login + "@127.0.0.1"));
        return run(cmd, password, batch, workDir);
    }

    /** {@code sftp -b -} with a private key file. */
    static Result sftpWithKey(int port, String login, Path key, String batch, Path workDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sftp"));
        cmd.addAll(common(port, null));
        cmd.addAll(List.of("-o", "PreferredAuthentications=publickey", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-i", key.toString(), "-b", "-", login + "@127.0.0.1"));
        return run(cmd, null, batch, workDir);
    }

    /** Starts {@code sftp} reading commands from a pipe, for a session that stays open. */
    static Process startSftp(int port, String login, String password, Path workDir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sshpass", "-e", "sftp"));
        cmd.addAll(common(port, null));
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", login + "@127.0.0.1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("SSHPASS", password);
        return pb.start();
    }

    /** {@code ssh} with a password and any extra arguments (a command, -R, -o...). */
    static Result ssh(int port, String login, String password, List<String> extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sshpass", "-e", "ssh"));
        List<String> c = common(port, null);
        c.set(c.indexOf("-P"), "-p");
        cmd.addAll(c);
        cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1"));
        cmd.addAll(extra.subList(0, extra.size() - 0));
        cmd.add(cmd.size() - extra.size(), login + "@127.0.0.1");
        return run(cmd, password, null, Path.of("/"));
    }

    /**
     * Runs a client to its end. Its output goes to a file, not a pipe: OpenSSH's {@code sftp} under {@code sshpass}
     * was seen to lose listing lines written to a pipe, never to a file.
     */
    static Result run(List<String> cmd, String password, String stdin, Path workDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("openssh-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            if (password != null) {
                pb.environment().put("SSHPASS", password);
            }
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("hung: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A new ed25519 key pair made by ssh-keygen; returns the private key file (the public one is beside it, .pub). */
    static Path keygen(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Result r = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()), null, null, dir);
        if (r.exit() != 0) {
            throw new AssertionError("ssh-keygen failed: " + r.output());
        }
        return key;
    }

    static String publicKey(Path key) throws IOException {
        return Files.readString(key.resolveSibling(key.getFileName() + ".pub")).strip();
    }
}
