package dev.raptor.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the process runtime keeps its records and how it runs servers.
 *
 * @param stateDir     directory of the runtime's records, one sub-directory per server ({@code <dataDir>/process}
 *                     in the daemon); created with mode 0700. Only one runtime may use it at a time.
 * @param serverUser   the unprivileged user servers run as when the daemon is root (default {@code raptor-server});
 *                     created with {@code useradd --system} if missing. Ignored when the daemon is not root: servers
 *                     then run as the daemon's own user.
 * @param cgroupParent cgroup, relative to each hierarchy's root, under which every server gets one of its own
 *                     ({@code raptor} gives {@code /sys/fs/cgroup/memory/raptor/<uuid>} on cgroup v1,
 *                     {@code /sys/fs/cgroup/raptor/<uuid>} on v2); null = use no cgroups (no limits)
 * @param logFileBytes size at which a console log file is closed and the next one started
 * @param logFiles     how many console log files of a server are kept (the newest); a file a console or
 *                     {@code logs -f} has not finished reading is kept longer, while the server has at most twice
 *                     this many (beyond that the reader is told that lines were skipped)
 * @param pollInterval how often followers, event streams and waits look at the records and /proc
 */
public record ProcessRuntimeConfig(Path stateDir, String serverUser, String cgroupParent, long logFileBytes, int logFiles,
                                   Duration pollInterval) {

    public static final String DEFAULT_SERVER_USER = "raptor-server";
    public static final String DEFAULT_CGROUP_PARENT = "raptor";
    public static final long DEFAULT_LOG_FILE_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_LOG_FILES = 3;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

    /** Characters a path may hold when the supervisor's shell and awk scripts receive it (no quotes, blanks, newlines). */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/+@:,=-]+");
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}\\$?");
    private static final Pattern CGROUP_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public ProcessRuntimeConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        stateDir = stateDir.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(stateDir.toString()).matches()) {
            throw new IllegalArgumentException("stateDir may hold only letters, digits and ._/+@:,=- (was '" + stateDir + "')");
        }
        serverUser = serverUser == null || serverUser.isBlank() ? DEFAULT_SERVER_USER : serverUser.strip();
        if (!USER_NAME.matcher(serverUser).matches()) {
            throw new IllegalArgumentException("serverUser must be a POSIX user name such as raptor-server (was '" + serverUser + "')");
        }
        if (cgroupParent != null) {
            cgroupParent = cgroupParent.strip().replaceAll("^/+|/+$", "");
            if (!CGROUP_PATH.matcher(cgroupParent).matches() || cgroupParent.contains("..")) {
                throw new IllegalArgumentException("cgroupParent must be a relative cgroup path such as raptor (was '" + cgroupParent + "')");
            }
        }
        if (logFileBytes < 4096) {
            throw new IllegalArgumentException("logFileBytes must be at least 4096 (was " + logFileBytes + ")");
        }
        if (logFiles < 1) {
            throw new IllegalArgumentException("logFiles must be at least 1 (was " + logFiles + ")");
        }
        pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
        if (pollInterval.toMillis() < 10 || pollInterval.toSeconds() > 5) {
            throw new IllegalArgumentException("pollInterval must be between 10 ms and 5 s (was " + pollInterval + ")");
        }
    }

    /** Defaults for records under {@code stateDir}: user {@code raptor-server}, cgroups under {@code raptor}, logs 3 x 10 MiB. */
    public static ProcessRuntimeConfig at(Path stateDir) {
        return new ProcessRuntimeConfig(stateDir, DEFAULT_SERVER_USER, DEFAULT_CGROUP_PARENT, DEFAULT_LOG_FILE_BYTES,
                DEFAULT_LOG_FILES, DEFAULT_POLL_INTERVAL);
    }

    public ProcessRuntimeConfig withServerUser(String user) {
        return new ProcessRuntimeConfig(stateDir, user, cgroupParent, logFileBytes, logFiles, pollInterval);
    }

    /** Cgroups under {@code parent}; null runs servers without cgroups, hence without limits. */
    public ProcessRuntimeConfig withCgroupParent(String parent) {
        return new ProcessRuntimeConfig(stateDir, serverUser, parent, logFileBytes, logFiles, pollInterval);
    }

    public ProcessRuntimeConfig withLogRotation(long bytesPerFile, int files) {
        return new ProcessRuntimeConfig(stateDir, serverUser, cgroupParent, bytesPerFile, files, pollInterval);
    }

    public ProcessRuntimeConfig withPollInterval(Duration interval) {
        return new ProcessRuntimeConfig(stateDir, serverUser, cgroupParent, logFileBytes, logFiles, interval);
    }

    /** Whether {@code path} can be handed to the supervisor's scripts as is. */
    static boolean safePath(String path) {
        return SAFE_PATH.matcher(path).matches();
    }
}
