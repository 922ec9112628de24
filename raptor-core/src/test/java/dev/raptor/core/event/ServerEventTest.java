package dev.raptor.core.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Events are told apart by their record type inside the daemon, and by the same strings as ever outside it. */
class ServerEventTest {
    private final UUID id = UUID.randomUUID();
    private final Instant now = Instant.now();

    @Test
    void createdUpdatedAndDeletedKeepTheTypeStringsTheApiShows() {
        assertThat(new ServerEvent.Created(id, now, 1).type()).isEqualTo("server.created");
        assertThat(new ServerEvent.Updated(id, now, 2).type()).isEqualTo("server.updated");
        assertThat(new ServerEvent.Deleted(id, now).type()).isEqualTo("server.deleted");
    }
}
