package dev.raptor.core.runtime;

/**
 * An open stream with one owner (rule 7). Closing it closes the engine stream behind it and ends the
 * thread that read it; closing twice is harmless.
 */
public interface Subscription extends AutoCloseable {
    @Override
    void close();

    /** Whether items may still arrive. */
    boolean isOpen();
}
