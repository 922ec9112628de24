package dev.raptor.process;

import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Reading and writing cgroup interface files, shared by both cgroup versions. */
final class CgroupFs {
    private CgroupFs() {
    }

    /** Writes {@code value} into an existing interface file (no create, no truncate: kernfs needs neither). */
    static void write(Path file, String value) throws IOException {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's first line as a number; empty when missing, unreadable or {@code max}. */
    static OptionalLong number(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
            int blank = s.indexOf(' ');
            if (blank > 0) {
                s = s.substring(0, blank);
            }
            return s.isEmpty() || s.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The value of {@code key} in a flat-keyed file such as memory.stat, memory.events or cpu.stat. */
    static OptionalLong keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + " ")) {
                    return OptionalLong.of(Long.parseLong(line.substring(key.length() + 1).strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a missing file or field reads as unknown
        }
        return OptionalLong.empty();
    }

    /** The processes listed in the cgroup.procs files of {@code dirs} (an absent cgroup has none). */
    static Set<Long> pids(List<Path> dirs) {
        Set<Long> out = new LinkedHashSet<>();
        for (Path dir : dirs) {
            try {
                for (String line : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                    if (!line.isBlank()) {
                        out.add(Long.parseLong(line.strip()));
                    }
                }
            } catch (NoSuchFileException e) {
                // not there: nothing in it
            } catch (IOException | NumberFormatException e) {
                // a cgroup being removed; the next round sees it gone
            }
        }
        return out;
    }

    /** SIGKILLs what is in the cgroups until they are empty or the deadline passes; whether they emptied. */
    static boolean killUntilEmpty(List<Path> dirs, Deadline deadline) {
        while (true) {
            Set<Long> pids = pids(dirs);
            if (pids.isEmpty()) {
                return true;
            }
            for (long pid : pids) {
                LibC.kill(pid, Signals.SIGKILL);
            }
            if (deadline.expired()) {
                return false;
            }
            Pause.millis(10);
        }
    }

    /** Removes cgroup directories (deepest first), retrying while their last processes exit. */
    static boolean remove(List<Path> dirs, Deadline deadline) {
        boolean all = true;
        for (Path dir : dirs) {
            while (true) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException e) {
                    if (deadline.expired()) {
                        all = false;
                        break;
                    }
                    killUntilEmpty(List.of(dir), deadline);
                    Pause.millis(10);
                }
            }
        }
        return all;
    }
}
