package dev.raptor.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of one server's record directory, {@code <stateDir>/<uuid>/}:
 * <pre>
 *   container.properties   what the container is made of ({@link ContainerRecord}), written once at create
 *   started                epoch ms of the current run's start; written by the runtime just before it spawns
 *   supervisor.pid         "pid start-time" of the run's supervisor          (the supervisor writes these,
 *   main.pid               "pid start-time" of the server's main process      see supervisor.sh)
 *   exit                   exit status of the run; its mtime is when it ended
 *   pump.done              the number of the run whose console pump has written its last line
 *   health                 the health check's verdict on the current run: "started-ms status" (the daemon writes it)
 *   stdin.pipe             FIFO: console input
 *   out.pipe, err.pipe     FIFOs: the server's stdout and stderr, into the taggers
 *   console.RRRRRRRRR.PPPPPP.log   console output of run R, part P: "epoch-ms O|E text" per line
 *   console.hold           seq of the oldest console file a follower has not finished (the daemon writes it, see LogHolds)
 *   runs                   the number of the last run
 *   supervisor.sh, tag.awk, pump.awk, run.conf    the supervisor and its settings for the current run
 *   supervisor.log         the supervisor's own complaints, if any
 * </pre>
 */
record RecordFiles(Path dir) {
    private static final Pattern LOG = Pattern.compile("console\\.(\\d{9})\\.(\\d{6})\\.log");
    private static final long PARTS = 1_000_000;

    /**
     * One console log file: part {@code part} of run {@code run}, both counting up. {@link #seq()} orders all files
     * of all runs, oldest first.
     */
    record LogFile(long run, long part, Path path) {
        long seq() {
            return run * PARTS + part;
        }
    }

    Path metadata() {
        return dir.resolve(ContainerRecord.FILE);
    }

    /**
     * Which directory this is on disk (its file key), or null when there is none: a record removed and made anew
     * under the same path (another container of the same server) has another. One stat, where reading the record
     * to compare its id is an open, three reads and a parse.
     */
    Object identity() {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    Path started() {
        return dir.resolve("started");
    }

    Path supervisorPid() {
        return dir.resolve("supervisor.pid");
    }

    Path mainPid() {
        return dir.resolve("main.pid");
    }

    Path exit() {
        return dir.resolve("exit");
    }

    /** The health check's last verdict on the current run ({@link HealthChecks}): "started-ms status". */
    Path health() {
        return dir.resolve("health");
    }

    Path pumpDone() {
        return dir.resolve("pump.done");
    }

    Path stdinPipe() {
        return dir.resolve("stdin.pipe");
    }

    Path outPipe() {
        return dir.resolve("out.pipe");
    }

    Path errPipe() {
        return dir.resolve("err.pipe");
    }

    Path runConf() {
        return dir.resolve("run.conf");
    }

    Path supervisorLog() {
        return dir.resolve("supervisor.log");
    }

    Path logFile(long run, long part) {
        return dir.resolve(String.format("console.%09d.%06d.log", run, part));
    }

    /**
     * Whether the console pump of the last run (the {@link #runCounter()}'s) has written that run's last line. The
     * marker names its run: the pump of the run before can finish after this run has begun (a start clears the
     * marker, the earlier pump writes it again), and an unnamed marker would then say this run's output is
     * complete before its pump has written any of it.
     */
    boolean pumpFinished() {
        Optional<String> done = readSmall(pumpDone());
        Optional<String> run = readSmall(runCounter());
        try {
            return done.isPresent() && run.isPresent() && Long.parseLong(done.get()) == Long.parseLong(run.get());
        } catch (NumberFormatException garbled) {
            return false;
        }
    }

    /** Holds the number of the last run, so run numbers keep growing after all their files are gone. */
    Path runCounter() {
        return dir.resolve("runs");
    }

    /** The console log files, oldest first. */
    List<LogFile> logFiles() {
        List<LogFile> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "console.*.log")) {
            for (Path p : files) {
                Matcher m = LOG.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new LogFile(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), p));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return out;
    }

    /** When the current run started; empty when the container never ran. */
    Optional<Instant> readStarted() {
        return readSmall(started()).flatMap(s -> {
            try {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(s)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The exit status of the current run; empty while it runs (or when it never ran). */
    Optional<Integer> readExit() {
        return readSmall(exit()).flatMap(s -> {
            try {
                return Optional.of(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** When the run ended: the exit file's modification time. */
    Optional<Instant> exitTime() {
        try {
            return Optional.of(Files.getLastModifiedTime(exit()).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records an exit status nobody else will record (the supervisor is gone); false if one exists already. */
    boolean recordExitIfAbsent(int status) {
        try {
            Files.writeString(exit(), status + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes what the previous run left (status, pids, FIFOs), so that the record reads as never started. */
    void clearRun() throws IOException {
        for (Path p : List.of(started(), exit(), mainPid(), supervisorPid(), pumpDone(), stdinPipe(), outPipe(), errPipe(), health())) {
            Files.deleteIfExists(p);
        }
    }

    /** Writes {@code text} to {@code file} atomically: beside it first, then renamed over it. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The one line of a small file the runtime or the supervisor writes ({@code started}, {@code exit}, the pid
     * files), stripped; empty while the file is missing or its line is not complete. The supervisor writes its
     * files in place, with one write(2) each (see supervisor.sh): a reader may find one created but not yet
     * written, and only the final newline says that the line is whole.
     */
    static Optional<String> readSmall(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII);
            if (!s.endsWith("\n")) {
                return Optional.empty();
            }
            s = s.strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
