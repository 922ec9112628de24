package dev.raptor.core.exec;

/**
 * Receives what an interactive command ({@link ExecSession}) writes, then how it ended. Called from the
 * runtime's reader thread, one call at a time; must not block for long.
 */
public interface ExecListener {

    /**
     * Output: {@code length} bytes of {@code bytes} from {@code offset}, which the runtime reuses after the call
     * (copy what you keep). In a terminal everything arrives as {@link ExecStream#STDOUT}.
     */
    void output(ExecStream stream, byte[] bytes, int offset, int length);

    /**
     * The session is over, called exactly once, after the last output: the command exited with {@code exitCode},
     * or (null) the session ended without an exit code to report (it was closed, or the engine failed, then
     * {@code error} says why).
     */
    void ended(Integer exitCode, Throwable error);
}
