package dev.raptor.files;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilesLocksTest {
    private final FilesLocks locks = new FilesLocks();
    private final UUID server = UUID.randomUUID();

    @Test
    void aServerWithoutLocksIsOpenToUsers() throws FilesLockedException {
        assertThat(locks.isLocked(server)).isFalse();
        locks.requireUnlocked(server);
    }

    @Test
    void aLockRefusesUsersWithItsReasonUntilItIsClosed() throws FilesLockedException {
        FilesLocks.Lock lock = locks.lock(server, "restoring a backup");

        assertThatThrownBy(() -> locks.requireUnlocked(server))
                .isInstanceOf(FilesLockedException.class)
                .hasMessageContaining("restoring a backup")
                .satisfies(e -> assertThat(((FilesLockedException) e).problem()).isEqualTo("files-locked"));
        assertThat(locks.isLocked(UUID.randomUUID())).as("other servers stay open").isFalse();

        lock.close();
        locks.requireUnlocked(server);
    }

    @Test
    void locksStackAndTheFilesOpenWhenTheLastOneCloses() {
        FilesLocks.Lock restore = locks.lock(server, "restoring a backup");
        FilesLocks.Lock reinstall = locks.lock(server, "reinstalling");

        restore.close();
        restore.close();
        assertThat(locks.lockedBecause(server)).contains("reinstalling");

        reinstall.close();
        assertThat(locks.isLocked(server)).isFalse();
    }

    @Test
    void listenersHearOfALockBeforeLockReturns() {
        List<UUID> heard = new ArrayList<>();
        locks.onLocked(heard::add);

        try (FilesLocks.Lock ignored = locks.lock(server, "deleting the server")) {
            assertThat(heard).containsExactly(server);
        }
    }

    @Test
    void aFailingListenerDoesNotStopTheLock() {
        locks.onLocked(id -> {
            throw new IllegalStateException("boom");
        });

        try (FilesLocks.Lock ignored = locks.lock(server, "reinstalling")) {
            assertThat(locks.isLocked(server)).isTrue();
        }
    }
}
