package dev.raptor.core.exec;

/**
 * An interactive command running inside a server (a shell, usually in a terminal): input goes in with
 * {@link #write}, output comes out through the session's {@link ExecListener}, and the terminal can be resized.
 * A subscription in the sense of rule 7: it has one owner, and {@link #close()} ends the engine stream and the
 * reader thread (the command itself, no longer attached to anything, sees its input end and a hangup in a
 * terminal). Thread-safe.
 */
public interface ExecSession extends AutoCloseable {

    /** Sends {@code length} bytes to the command's input. A session already over ignores them. */
    void write(byte[] bytes, int offset, int length);

    /** Ends the command's input (it reads end-of-file); the session goes on until the command exits. */
    void closeInput();

    /** Tells the command's terminal its new size. Without a terminal, nothing happens. */
    void resize(int columns, int rows);

    /** Whether the session still runs (its listener has not heard {@code ended}). */
    boolean isOpen();

    /** Ends the session; the listener hears {@code ended} (if it has not already). Closing twice is harmless. */
    @Override
    void close();
}
