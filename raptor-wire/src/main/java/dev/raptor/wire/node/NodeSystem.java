package dev.raptor.wire.node;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /system}: what the node runs, how many servers it has in which state, and its resources.
 *
 * @param runtime {@code docker} or {@code process}
 */
public record NodeSystem(String version, Instant startedAt, String runtime, Engine engine, ServerCounts servers, Node node) {

    /**
     * The container engine as it answered (within a deadline); {@code error} instead of the rest when it did not.
     *
     * @param details  engine facts (operating system, storage driver...)
     * @param warnings what the engine lacks that Raptor would use (e.g. no swap limit support)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Engine(boolean reachable, String version, String apiVersion, Map<String, String> details,
                         List<String> warnings, String error) {

        public static Engine unreachable(String error) {
            return new Engine(false, null, null, null, null, error);
        }
    }

    /** How many servers the node has, and how many are in each state. */
    public record ServerCounts(int total, int offline, int starting, int running, int stopping) {
    }

    /**
     * The machine. {@code cpuLoad} and the memory members only where the JVM can tell; the disk members
     * are of the data directory's file system, {@code diskError} when it cannot be read.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(String hostname, String os, int cpus, double loadAverage, Double cpuLoad, Long memoryTotalBytes,
                       Long memoryFreeBytes, String dataDir, Long diskTotalBytes, Long diskFreeBytes, String diskError,
                       String javaVersion) {
    }
}
