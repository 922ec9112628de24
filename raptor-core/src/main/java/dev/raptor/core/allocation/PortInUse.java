package dev.raptor.core.allocation;

import java.util.Objects;

/**
 * A host port a server wants that another program holds.
 *
 * @param allocation the server's allocation that cannot bind
 * @param process    the holder's command name ({@code /proc/<pid>/comm}), null when the system does not tell
 * @param pid        the holder's process id, null when the system does not tell
 */
public record PortInUse(Allocation allocation, String process, Long pid) {

    public PortInUse {
        Objects.requireNonNull(allocation, "allocation");
    }

    /** {@code 127.0.0.1:25565/tcp is in use by nc (pid 4242)}, or {@code … by another program} when nobody tells who. */
    public String describe() {
        return allocation.hostBinding() + " is in use by " + holder();
    }

    /** {@code nc (pid 4242)}, {@code pid 4242}, or {@code another program}. */
    public String holder() {
        if (process != null && pid != null) {
            return process + " (pid " + pid + ")";
        }
        if (pid != null) {
            return "pid " + pid;
        }
        return process != null ? process : "another program";
    }
}
