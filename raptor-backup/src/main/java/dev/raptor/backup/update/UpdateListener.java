package dev.raptor.backup.update;

import dev.raptor.core.update.UpdateRecord;

/** Told how an update goes (the API turns it into the operation's progress); called on the update's threads. */
public interface UpdateListener {
    UpdateListener NONE = new UpdateListener() {
    };

    /** The update entered a stage ({@link UpdateRecord#stage()}). */
    default void stage(UpdateRecord update) {
    }

    /** Bytes of a stage's work done ({@code downloading}, the backup's {@code archiving}, {@code applying}...); total -1 when unknown. */
    default void progressed(String stage, long done, long total, long bytesPerSecond) {
    }
}
