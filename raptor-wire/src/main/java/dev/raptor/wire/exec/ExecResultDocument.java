package dev.raptor.wire.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.exec.ExecResult;

import java.math.BigDecimal;

/**
 * How a command run with {@code POST /servers/{id}/exec} ended.
 *
 * @param exitCode        its exit code (128 + N when signal N ended it); null only when a command past its timeout
 *                        could not be killed from the node (an engine on another host) and so has none yet
 * @param stdout          what it wrote on stdout (UTF-8), at most {@code maxOutputBytes}
 * @param stderr          what it wrote on stderr (empty with a terminal: both streams are stdout then)
 * @param stdoutTruncated whether stdout had more (it was read and dropped)
 * @param stderrTruncated whether stderr had more
 * @param timedOut        whether it ran past its timeout and was killed
 * @param durationSeconds how long it ran
 */
public record ExecResultDocument(@JsonInclude(JsonInclude.Include.ALWAYS) Integer exitCode, String stdout, String stderr,
                                 boolean stdoutTruncated, boolean stderrTruncated, boolean timedOut, BigDecimal durationSeconds) {

    public static ExecResultDocument of(ExecResult r) {
        return new ExecResultDocument(r.exitCode(), r.stdout(), r.stderr(), r.stdoutTruncated(), r.stderrTruncated(), r.timedOut(),
                BigDecimal.valueOf(r.took().toMillis(), 3));
    }
}
