package dev.raptor.core.exec;

import java.time.Duration;

/**
 * How a non-interactive command ended.
 *
 * @param exitCode          its exit code (128 + N when signal N ended it); null only when a runtime could not
 *                          learn it (a timed-out command the engine did not let Raptor kill)
 * @param stdout            what it wrote on stdout (UTF-8, malformed bytes replaced), at most the request's bound
 * @param stderr            the same for stderr (empty in a terminal, where both are one stream)
 * @param stdoutTruncated   whether stdout had more than the bound (the rest was read and dropped)
 * @param stderrTruncated   the same for stderr
 * @param timedOut          whether it ran past its timeout and was killed
 * @param took              how long it ran
 */
public record ExecResult(Integer exitCode, String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated,
                         boolean timedOut, Duration took) {
    public ExecResult {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }
}
