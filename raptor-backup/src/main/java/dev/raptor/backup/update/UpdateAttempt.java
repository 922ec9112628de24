package dev.raptor.backup.update;

import dev.raptor.core.update.UpdateRecord;

import java.util.concurrent.CompletableFuture;

/** What asking for an update did: nothing (the server already has the source's version), or an update that runs. */
public sealed interface UpdateAttempt {
    /** The server's files already hold {@code version}, the source's latest. */
    record UpToDate(String version) implements UpdateAttempt {
    }

    /**
     * An update that runs; {@code finished} completes with its last record (succeeded, failed, rolled-back), or with
     * the record still {@code running} when the daemon shut down in the middle (the next boot settles it).
     */
    record Started(UpdateRecord update, CompletableFuture<UpdateRecord> finished) implements UpdateAttempt {
    }
}
