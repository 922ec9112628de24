package dev.raptor.process;

/**
 * Short sleeps of polling loops. An interrupt (the controller pre-empting a call, a subscription
 * closing) unwinds the loop as {@link Interrupted}, with the thread's interrupt flag kept set.
 */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted(e);
        }
    }

    /** A polling loop was interrupted. */
    static final class Interrupted extends RuntimeException {
        Interrupted(InterruptedException cause) {
            super("interrupted", cause);
        }
    }
}
