package dev.raptor.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/stat}: the facts about a process this runtime needs.
 *
 * @param pid        process id
 * @param state      R, S, D, Z (zombie), X (dead), T (stopped)...
 * @param ppid       parent
 * @param pgrp       process group
 * @param session    session
 * @param utime      user CPU time, clock ticks
 * @param stime      system CPU time, clock ticks
 * @param threads    number of threads
 * @param startTime  start time in clock ticks after boot (field 22): with the pid, it names one process for good
 * @param rssPages   resident set size in pages
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long session, long utime, long stime, long threads,
                long startTime, long rssPages) {

    static final Path PROC = Path.of("/proc");

    /** The process's current stat, or empty when there is no such process (any more). */
    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.ofNullable(parse(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses a stat line; the command name (field 2) may hold blanks and parentheses, so fields are counted after the last ')'. */
    static ProcStat parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 > line.length()) {
            return null;
        }
        String[] f = line.substring(close + 2).strip().split(" +");
        if (f.length < 22) {
            return null;
        }
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[17]), Long.parseLong(f[19]),
                Long.parseLong(f[21]));
    }

    /** Neither a zombie nor dead: it still runs (or is stopped) and holds resources. */
    boolean live() {
        return state != 'Z' && state != 'X' && state != 'x';
    }
}
