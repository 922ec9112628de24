package dev.raptor.core.power;

/**
 * Work on a server that needs it stopped and nothing else happening to it meanwhile: a restore of its files from
 * a backup (later: an update, a reinstall). The controller runs it as an intent, serialised with power actions:
 * it stops a running server by its stop policy, runs the work on a thread of its own, and starts the server again
 * if it ran before; power actions submitted meanwhile are refused ({@link ServerBusyException}, a 409), since
 * half a restore must never race a start.
 */
@FunctionalInterface
public interface Maintenance {
    /**
     * Runs with the server stopped. An exception fails the intent with its message (the server is started again
     * all the same if it ran). Interrupted when the daemon shuts down: stop at a safe point.
     */
    void run() throws Exception;
}
