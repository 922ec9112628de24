package dev.raptor.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of every process on the machine ({@code /proc/[0-9]*}/stat), to find the processes that
 * belong to one server's run: its main process, that process's descendants, and whatever still sits
 * in its session or process group after the main process or an intermediate parent has gone.
 */
final class ProcessTable {
    private final Map<Long, ProcStat> byPid;
    private final Map<Long, List<ProcStat>> children = new HashMap<>();

    private ProcessTable(Map<Long, ProcStat> byPid) {
        this.byPid = byPid;
        for (ProcStat p : byPid.values()) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        }
    }

    static ProcessTable snapshot() {
        Map<Long, ProcStat> all = new LinkedHashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ProcStat.PROC, ProcessTable::isPidDir)) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                ProcStat.read(pid).ifPresent(s -> all.put(pid, s));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return new ProcessTable(all);
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    Optional<ProcStat> get(long pid) {
        return Optional.ofNullable(byPid.get(pid));
    }

    /**
     * The live processes of the run whose main process is {@code main}: it (if the pid still names it),
     * its descendants, and the members of its session and process group with their descendants. When
     * the pid now names another process, nothing of the run is left: the kernel reuses a pid only once
     * no process has it as its session or group id, so the session and group found would be a stranger's.
     */
    Map<Long, ProcStat> runOf(ProcessId main) {
        Map<Long, ProcStat> out = new LinkedHashMap<>();
        ProcStat leader = byPid.get(main.pid());
        boolean pidReused = leader != null && leader.startTime() != main.startTime();
        if (pidReused) {
            return out;
        }
        if (leader != null) {
            addWithDescendants(leader, out);
        }
        for (ProcStat p : byPid.values()) {
            if (p.session() == main.pid() || p.pgrp() == main.pid()) {
                addWithDescendants(p, out);
            }
        }
        out.values().removeIf(p -> !p.live());
        return out;
    }

    /** The live members of session {@code sid} and their descendants. */
    Map<Long, ProcStat> session(long sid) {
        Map<Long, ProcStat> out = new LinkedHashMap<>();
        for (ProcStat p : byPid.values()) {
            if (p.session() == sid) {
                addWithDescendants(p, out);
            }
        }
        out.values().removeIf(p -> !p.live());
        return out;
    }

    private void addWithDescendants(ProcStat root, Map<Long, ProcStat> out) {
        Deque<ProcStat> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            ProcStat p = todo.poll();
            if (p.pid() <= 1 || out.putIfAbsent(p.pid(), p) != null) {
                continue;
            }
            Collection<ProcStat> kids = children.get(p.pid());
            if (kids != null) {
                todo.addAll(kids);
            }
        }
    }
}
