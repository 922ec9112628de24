package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.sftp.SftpUserRequest;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.bench.stats.Samples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * SFTP throughput: OpenSSH's own {@code sftp} client puts and gets one file ({@code --size-mib}, default 1024,
 * random bytes) through Raptor's SFTP server and through OpenSSH's {@code sftp-server} behind a throwaway
 * {@code sshd} on a loopback port, alternating, same key, same client, same run. Goal: at least 0.8x of OpenSSH
 * both ways. Needs the OpenSSH server package ({@code scripts/test-tools.sh} installs it). Measure only on a quiet
 * machine: both sides are CPU-bound on the same cores.
 */
public final class SftpScenario implements Scenario {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");
    private static final long RUN_LIMIT_SECONDS = 900;

    @Override
    public String name() {
        return "sftp";
    }

    @Override
    public String description() {
        return "1 GiB put and get with OpenSSH's sftp: Raptor vs OpenSSH's sftp-server on a loopback sshd (--size-mib=1024, --runs=2)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int sizeMiB = bench.intOption("size-mib", 1024);
        int runs = bench.intOption("runs", 2);
        if (!Files.isExecutable(SSHD) || !Files.isExecutable(SFTP_SERVER)) {
            return List.of(Result.notMeasured(name(), "put/get throughput", "no OpenSSH server here: run scripts/test-tools.sh"));
        }
        Path dir = Files.createDirectories(bench.work().resolve("sftp"));
        Path key = dir.resolve("client_ed25519");
        Files.deleteIfExists(key);
        Files.deleteIfExists(dir.resolve("client_ed25519.pub"));
        exec(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        String publicKey = Files.readString(dir.resolve("client_ed25519.pub")).strip();
        Path payload = dir.resolve("payload.bin");
        exec(dir, "sh", "-c", "head -c " + sizeMiB + "M /dev/urandom > '" + payload + "'");

        DaemonProcess daemon = bench.startDaemon("sftp");
        Process sshd = null;
        try (RaptorClient api = daemon.client(daemon.apiKey())) {
            UUID id = Calls.create(api, bench.idleServer("sftp-bench"));
            Files.createDirectories(daemon.dataDir().resolve("volumes").resolve(id.toString()));
            String raptorLogin = api.server(id).addSftpUser(new SftpUserRequest("bench", null, List.of(publicKey), null, null)).login();

            Path reference = Files.createDirectories(dir.resolve("openssh-remote"));
            int sshdPort = DaemonProcess.freePort();
            sshd = startSshd(dir, sshdPort, publicKey);
            String me = System.getProperty("user.name");

            // the server side's CPU per transfer: the daemon's own time; sshd's children's (each connection's sshd and
            // sftp-server, counted into the listening sshd when they exit). Load moves wall time, much less CPU time.
            long sshdPid = sshd.pid();
            Target raptor = new Target("raptor", daemon.sftpPort(), raptorLogin, "payload.bin", () -> cpuTicks(daemon.pid(), false));
            Target openssh = new Target("openssh", sshdPort, me, reference.resolve("payload.bin").toString(), () -> reapedCpuTicks(sshdPid));
            Samples raptorPut = new Samples();
            Samples opensshPut = new Samples();
            Samples raptorGet = new Samples();
            Samples opensshGet = new Samples();
            Samples raptorPutCpu = new Samples();
            Samples opensshPutCpu = new Samples();
            Samples raptorGetCpu = new Samples();
            Samples opensshGetCpu = new Samples();
            long limit = System.nanoTime();
            for (int i = 0; i < runs && !Bench.past(limit, Duration.ofSeconds(RUN_LIMIT_SECONDS)); i++) {
                transfer(dir, key, raptor, "put " + payload + " " + raptor.remote(), raptorPut, raptorPutCpu);
                transfer(dir, key, openssh, "put " + payload + " " + openssh.remote(), opensshPut, opensshPutCpu);
                transfer(dir, key, raptor, "get " + raptor.remote() + " " + dir.resolve("back-raptor.bin"), raptorGet, raptorGetCpu);
                transfer(dir, key, openssh, "get " + openssh.remote() + " " + dir.resolve("back-openssh.bin"), opensshGet, opensshGetCpu);
                if (Files.size(dir.resolve("back-raptor.bin")) != Files.size(payload) || Files.mismatch(payload, dir.resolve("back-raptor.bin")) != -1) {
                    throw new IllegalStateException("the file that came back from Raptor differs from the one sent");
                }
            }
            double mib = sizeMiB;
            double rp = mib / seconds(raptorPut.medianNanos());
            double op = mib / seconds(opensshPut.medianNanos());
            double rg = mib / seconds(raptorGet.medianNanos());
            double og = mib / seconds(opensshGet.medianNanos());
            return List.of(
                    new Result(name(), sizeMiB + " MiB put, MiB/s (median of " + raptorPut.count() + ")", fmt(rp), fmt(op),
                            Result.ratio(rp, op), ">= 0.80x", Result.verdict(rp >= 0.8 * op)),
                    new Result(name(), sizeMiB + " MiB get, MiB/s (median of " + raptorGet.count() + ")", fmt(rg), fmt(og),
                            Result.ratio(rg, og), ">= 0.80x", Result.verdict(rg >= 0.8 * og)),
                    cpu("put", sizeMiB, raptorPutCpu, opensshPutCpu),
                    cpu("get", sizeMiB, raptorGetCpu, opensshGetCpu));
        } finally {
            if (sshd != null) {
                sshd.destroy();
                if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                    sshd.destroyForcibly();
                }
            }
            for (String f : List.of("payload.bin", "back-raptor.bin", "back-openssh.bin", "openssh-remote/payload.bin")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            daemon.close();
        }
    }

    private record Target(String name, int port, String login, String remote, CpuTicks serverCpu) {
    }

    private interface CpuTicks {
        long read() throws IOException;
    }

    /** Server CPU seconds per transfer (median), Raptor's daemon against sshd with its sftp-server. */
    private Result cpu(String direction, int sizeMiB, Samples raptor, Samples openssh) {
        double r = raptor.medianNanos() / 1e9;
        double o = openssh.medianNanos() / 1e9;
        return Result.context(name(), sizeMiB + " MiB " + direction + ", server CPU s (user+sys, median of " + raptor.count() + ")",
                String.format(Locale.ROOT, "%.2f", r), String.format(Locale.ROOT, "%.2f", o), Result.ratio(r, o));
    }

    /**
     * utime+stime of a process ({@code /proc/PID/stat} fields 14 and 15), or of the children it has waited for
     * (fields 16 and 17), in clock ticks.
     */
    private static long cpuTicks(long pid, boolean children) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
        return children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** sshd's children's CPU once the last connection's processes have exited (their time counts when reaped). */
    private static long reapedCpuTicks(long sshdPid) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(sshdPid).map(h -> h.children().findAny().isPresent()).orElse(false)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for sshd's session to end", e);
            }
        }
        return cpuTicks(sshdPid, true);
    }

    /** Clock ticks per second for /proc (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private static void transfer(Path dir, Path key, Target t, String command, Samples wall, Samples cpu)
            throws IOException, InterruptedException {
        long cpu0 = t.serverCpu().read();
        long took = transfer(dir, key, t, command);
        wall.add(took);
        long cpuNanos = (t.serverCpu().read() - cpu0) * (1_000_000_000L / TICKS_PER_SECOND);
        cpu.add(cpuNanos);
        System.out.printf(Locale.ROOT, "    server CPU %.2f s%n", cpuNanos / 1e9);
    }

    private static long transfer(Path dir, Path key, Target t, String command) throws IOException, InterruptedException {
        List<String> cmd = List.of("sftp", "-q", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-i", key.toString(), "-P", Integer.toString(t.port()), "-b", "-", t.login() + "@127.0.0.1");
        long start = System.nanoTime();
        String out = execWithInput(dir, command + "\n", cmd.toArray(String[]::new));
        long took = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "  %s %s: %.1f s%s%n", t.name(), command.split(" ")[0], took / 1e9, out.isBlank() ? "" : " " + out.strip());
        return took;
    }

    /** A throwaway sshd on a loopback port: key authentication, the sftp subsystem, nothing from /etc/ssh. */
    private static Process startSshd(Path dir, int port, String publicKey) throws IOException, InterruptedException {
        Path hostKey = dir.resolve("sshd_host_ed25519");
        if (!Files.exists(hostKey)) {
            exec(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        }
        Path authorized = Files.writeString(dir.resolve("authorized_keys"), publicKey + "\n");
        Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey, "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorized, "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "StrictModes no", "UsePAM no",
                "Subsystem sftp " + SFTP_SERVER, "") );
        Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory sshd insists on
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("sshd did not listen on " + port + " within 30 s");
    }

    private static String exec(Path dir, String... cmd) throws IOException, InterruptedException {
        return execWithInput(dir, null, cmd);
    }

    private static String execWithInput(Path dir, String stdin, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "exec-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String fmt(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.1f", mibPerSecond);
    }
}
