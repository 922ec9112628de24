package dev.raptor.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts one run of a container: puts the supervisor ({@code supervisor.sh}, {@code tag.awk},
 * {@code pump.awk}, see there) and its settings ({@code run.conf}) into the record directory, makes the
 * FIFOs, records the start time and spawns {@code sh supervisor.sh <record>} as the leader of a session of its own
 * ({@link SessionSpawn}: one launch, where the JDK's needs {@code jspawnhelper} and {@code setsid(1)} first). From then
 * on the supervisor owns the run; the daemon may die and a later one reads what it recorded.
 *
 * <p>The scripts are copied into the record at every start (written beside, then renamed), so a daemon
 * upgrade never rewrites a script under a shell that is still reading it.
 */
final class Supervisor {
    private static final String SCRIPT = resource("supervisor.sh");
    private static final String TAGGER = resource("tag.awk");
    private static final String PUMP = resource("pump.awk");

    /** Caught by the server's {@code sh -c} so that a signal to the process group reaches the game, not the shell. */
    private static final String SHELL_TRAPS = "trap : HUP INT QUIT TERM USR1 USR2";

    private final HostTools tools;
    private final ServerUser user;
    private final long logFileBytes;
    private final int logFiles;

    Supervisor(HostTools tools, ServerUser user, long logFileBytes, int logFiles) {
        this.tools = tools;
        this.user = user;
        this.logFileBytes = logFileBytes;
        this.logFiles = logFiles;
    }

    /**
     * Whether the main process {@code pid} has not yet begun the server's startup command: it is still the
     * supervisor's subshell, {@code setsid}, {@code setpriv} or {@code taskset} on the way there, or the
     * server's {@code sh -c} that has neither exec'ed the command nor started a child to carry it. From the
     * moment that shell sets {@link #SHELL_TRAPS} until then, it swallows a signal that reaches nobody else;
     * {@link ProcessRuntime#signal} therefore sends a signal again once the command has begun when it was
     * sent before. Before the traps, a signal ends the process (every step has the default disposition).
     */
    boolean beforeStartup(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return false;
        }
        String[] args = new String(raw, StandardCharsets.UTF_8).split("\0", 4);
        String program = args[0];
        if (program.equals(tools.setsid().toString())
                || (tools.setpriv() != null && program.equals(tools.setpriv().toString()))
                || (tools.taskset() != null && program.equals(tools.taskset().toString()))) {
            return true;
        }
        if (!program.equals(tools.sh().toString()) || args.length < 2) {
            return false;
        }
        if (args[1].endsWith("/supervisor.sh")) {
            return true; // the supervisor's subshell that announced main.pid and is about to become the server
        }
        if (args.length < 3 || !args[1].equals("-c") || !args[2].startsWith(SHELL_TRAPS)) {
            return false;
        }
        return ProcessHandle.of(pid).map(h -> h.children().findAny().isEmpty()).orElse(false);
    }

    /** What a launch produced: when the run started (its log lines are stamped no earlier) and the supervisor's pid. */
    record Launch(Instant startedAt, long supervisorPid) {
    }

    /**
     * Launches a run of {@code record}, whose previous run's files must have been cleared.
     *
     * @param cgroupProcs the {@code cgroup.procs} files the server joins before it runs (empty: no cgroup)
     */
    Launch launch(RecordFiles files, ContainerRecord record, List<Path> cgroupProcs) throws IOException {
        Path dir = files.dir();
        RecordFiles.writeAtomically(dir.resolve("supervisor.sh"), SCRIPT);
        RecordFiles.writeAtomically(dir.resolve("tag.awk"), TAGGER);
        RecordFiles.writeAtomically(dir.resolve("pump.awk"), PUMP);
        for (Path fifo : List.of(files.stdinPipe(), files.outPipe(), files.errPipe())) {
            int r = LibC.mkfifo(fifo, 0600);
            if (r != 0) {
                throw new IOException("mkfifo " + fifo + " failed (errno " + -r + ")");
            }
        }
        long run = nextRun(files);
        long offsetMillis = clockOffsetMillis();
        long startedMillis = offsetMillis + uptimeCentis() * 10;
        RecordFiles.writeAtomically(files.runConf(), runConf(record, cgroupProcs, run, offsetMillis));
        RecordFiles.writeAtomically(files.started(), startedMillis + "\n");
        List<String> argv = List.of(tools.sh().toString(), dir.resolve("supervisor.sh").toString(), dir.toString());
        if (SessionSpawn.available().isPresent()) {
            try {
                long pid = SessionSpawn.available().get().spawn(argv, record.environment(), dir, files.supervisorLog());
                return new Launch(Instant.ofEpochMilli(startedMillis), pid);
            } catch (IOException e) {
                Files.deleteIfExists(files.started());
                throw new IOException("cannot spawn the supervisor: " + e.getMessage(), e);
            }
        }
        // a C library without posix_spawn's session flag: the JDK's launch, then setsid(1)
        List<String> command = new ArrayList<>();
        command.add(tools.setsid().toString());
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.supervisorLog().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(files.supervisorLog().toFile()));
        pb.environment().clear();
        pb.environment().putAll(record.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(files.started());
            throw new IOException("cannot spawn the supervisor: " + e.getMessage(), e);
        }
        return new Launch(Instant.ofEpochMilli(startedMillis), p.pid());
    }

    /**
     * The new run's number (one more than any before, so its log files are its own), after deleting the
     * oldest log files so that, with the new run's first file, at most the kept count remain: files a reader
     * still holds ({@link LogHolds}) stay as long as no more than twice that count remain, as pump.awk keeps them.
     */
    private long nextRun(RecordFiles files) throws IOException {
        List<RecordFiles.LogFile> existing = files.logFiles();
        long last = existing.isEmpty() ? 0 : existing.getLast().run();
        try {
            last = Math.max(last, Long.parseLong(Files.readString(files.runCounter(), StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException | NumberFormatException e) {
            // first run, or a garbled counter: the files tell
        }
        long run = last + 1;
        RecordFiles.writeAtomically(files.runCounter(), run + "\n");
        long held = LogHolds.oldestHeld(files);
        for (int i = 0; i < existing.size() - (logFiles - 1); i++) {
            RecordFiles.LogFile f = existing.get(i);
            if (held >= 0 && f.seq() >= held && existing.size() - i < 2 * logFiles) {
                break; // this one and every newer one are held, and within the bound (the new run's file makes one more)
            }
            Files.deleteIfExists(f.path());
        }
        return run;
    }

    private String runConf(ContainerRecord record, List<Path> cgroupProcs, long run, long offsetMillis) {
        List<String> exec = new ArrayList<>();
        exec.add(tools.setsid().toString());
        exec.addAll(user.execPrefix());
        if (record.limits().threads() != null && tools.taskset() != null) {
            exec.addAll(List.of(tools.taskset().toString(), "-c", record.limits().threads()));
        }
        exec.addAll(List.of(tools.sh().toString(), "-c"));
        List<String> awk = new ArrayList<>();
        awk.add(tools.awk().toString());
        awk.addAll(tools.awkArgs());
        StringBuilder b = new StringBuilder();
        b.append("# Settings of one run, for supervisor.sh (written by dev.raptor.process.Supervisor).\n");
        assign(b, "R_DATA", record.dataDir().toString());
        assign(b, "R_MAIN", SHELL_TRAPS + "\n" + record.startup());
        assign(b, "R_CLOCK_OFFSET", Long.toString(offsetMillis));
        assign(b, "R_LOG_RUN", Long.toString(run));
        assign(b, "R_LOG_BYTES", Long.toString(logFileBytes));
        assign(b, "R_LOG_FILES", Integer.toString(logFiles));
        assign(b, "R_RM", tools.rm().toString());
        assign(b, "R_CGROUP_PROCS", cgroupProcs.stream().map(Path::toString).collect(Collectors.joining(" ")));
        b.append("r_awk() { LC_ALL=C; export LC_ALL; exec ").append(words(awk)).append(" \"$@\"; }\n");
        b.append("r_exec() { exec ").append(words(exec)).append(" \"$R_MAIN\"; }\n");
        b.append(CgroupJoin.SHELL_FUNCTION);
        return b.toString();
    }

    private static void assign(StringBuilder b, String name, String value) {
        b.append(name).append('=').append(quote(value)).append('\n');
    }

    private static String words(List<String> words) {
        return words.stream().map(Supervisor::quote).collect(Collectors.joining(" "));
    }

    /** Single-quotes {@code s} for a POSIX shell; any character survives. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Wall-clock milliseconds at boot, as the taggers compute it: now minus /proc/uptime. The run's start
     * time and every line it prints are stamped on the same clock, so no line of the run is earlier than
     * its start.
     */
    private static long clockOffsetMillis() throws IOException {
        long uptime = uptimeCentis();
        return System.currentTimeMillis() - uptime * 10;
    }

    /** /proc/uptime in centiseconds, parsed exactly as tag.awk parses it. */
    static long uptimeCentis() throws IOException {
        String first = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII).strip().split("\\s+")[0];
        int dot = first.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(first) * 100;
        }
        String frac = (first.substring(dot + 1) + "00").substring(0, 2);
        return Long.parseLong(first.substring(0, dot)) * 100 + Long.parseLong(frac);
    }

    private static String resource(String name) {
        try (InputStream in = Supervisor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
