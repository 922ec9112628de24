package dev.raptor.core.exec;

/** Which of a command's output streams some bytes came from. */
public enum ExecStream {
    STDOUT, STDERR
}
