package dev.raptor.core.update;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Where update sources, the version each server runs, and update histories are written down (the store). */
public interface UpdateJournal {
    /** Sets (or replaces) the server's update source; a server that does not exist is a {@code ServerNotFoundException}. */
    void saveSource(UUID serverId, UpdateSource source);

    Optional<UpdateSource> source(UUID serverId);

    /** Whether there was one to remove. */
    boolean removeSource(UUID serverId);

    /** Every server's update source. */
    Map<UUID, UpdateSource> sources();

    /** The version of the game the server's files hold, as the last update left them (empty: never updated). */
    Optional<String> version(UUID serverId);

    void setVersion(UUID serverId, String version);

    /** Writes a new update or its progress and outcome. */
    void record(UpdateRecord update);

    /** The server's updates, oldest first. */
    List<UpdateRecord> history(UUID serverId);

    /** Updates a crash left running, on every server. */
    List<UpdateRecord> running();
}
