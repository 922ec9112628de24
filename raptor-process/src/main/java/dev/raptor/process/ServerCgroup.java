package dev.raptor.process;

import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup of one server (one directory per hierarchy on cgroup v1, one on v2), named after the
 * server. Made fresh at each start, so its counters (OOM kills, CPU time) are those of the current run;
 * removed with the server's record.
 */
interface ServerCgroup {

    /** Whether it exists now. */
    boolean exists();

    /**
     * Makes it anew with {@code limits} (killing whatever a previous run left in it) and returns the
     * {@code cgroup.procs} files a process writes its pid into to join it.
     */
    List<Path> create(Limits limits, Deadline deadline) throws IOException;

    /**
     * The {@code cgroup.procs} files a process writes its pid into to join it as it is now (an exec joins its
     * server's run); empty when it does not exist. A shell joins through {@link CgroupJoin}, which under v1 takes
     * the {@code tasks} file beside each.
     */
    List<Path> joinFiles();

    /** Processes in it. */
    Set<Long> pids();

    /** SIGKILLs everything in it; whether it is empty before the deadline. */
    boolean killAll(Deadline deadline);

    /** Processes the kernel's OOM killer ended in it since it was made. */
    long oomKills();

    /** Current use, when it exists. */
    Optional<CgroupUsage> usage();

    /** Kills what is left and removes it; whether it is gone. */
    boolean remove(Deadline deadline);

    /** A server without a cgroup: nothing to join, nothing to count. */
    ServerCgroup NONE = new ServerCgroup() {
        @Override
        public boolean exists() {
            return false;
        }

        @Override
        public List<Path> create(Limits limits, Deadline deadline) {
            return List.of();
        }

        @Override
        public List<Path> joinFiles() {
            return List.of();
        }

        @Override
        public Set<Long> pids() {
            return Set.of();
        }

        @Override
        public boolean killAll(Deadline deadline) {
            return true;
        }

        @Override
        public long oomKills() {
            return 0;
        }

        @Override
        public Optional<CgroupUsage> usage() {
            return Optional.empty();
        }

        @Override
        public boolean remove(Deadline deadline) {
            return true;
        }
    };
}
