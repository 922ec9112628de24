package dev.raptor.backup.retention;

import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2025-06-30T12:00:00Z");
    private static final UUID SERVER = UUID.randomUUID();

    private static BackupRecord completed(int daysAgo) {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        UUID id = UUID.randomUUID();
        return BackupRecord.running(id, SERVER, "b" + daysAgo, at, "tar.zst", new BackupLocation("local", id + ".tar.zst"))
                .completed(at.plusSeconds(60), 100, "00".repeat(32));
    }

    @Test
    void keepingAllPrunesNothing() {
        List<BackupRecord> all = List.of(completed(400), completed(3), completed(1));

        assertThat(Retention.prunable(all, RetentionPolicy.KEEP_ALL, NOW)).isEmpty();
    }

    @Test
    void theOldestBeyondMaxArePrunedOldestFirst() {
        BackupRecord a = completed(5);
        BackupRecord b = completed(4);
        BackupRecord c = completed(3);
        BackupRecord d = completed(2);

        assertThat(Retention.prunable(List.of(d, b, a, c), new RetentionPolicy(2, 0), NOW)).containsExactly(a, b);
    }

    @Test
    void lockedBackupsAreNeverPrunedEvenWhenTheyKeepTheCountAboveMax() {
        BackupRecord a = completed(5).withLocked(true);
        BackupRecord b = completed(4).withLocked(true);
        BackupRecord c = completed(3);

        assertThat(Retention.prunable(List.of(a, b, c), new RetentionPolicy(1, 0), NOW)).containsExactly(c);
        assertThat(Retention.prunable(List.of(a, b), new RetentionPolicy(1, 0), NOW)).isEmpty();
    }

    @Test
    void backupsOlderThanMaxAgeArePrunedFailedOnesToo() {
        BackupRecord old = completed(10);
        BackupRecord oldFailed = BackupRecord.running(UUID.randomUUID(), SERVER, "f", NOW.minus(Duration.ofDays(9)), "tar.zst",
                new BackupLocation("local", "f")).failed(NOW.minus(Duration.ofDays(9)), "disk full");
        BackupRecord recent = completed(2);

        assertThat(Retention.prunable(List.of(recent, old, oldFailed), new RetentionPolicy(0, 7), NOW)).containsExactly(old, oldFailed);
    }

    @Test
    void runningBackupsAreNeverPruned() {
        BackupRecord running = BackupRecord.running(UUID.randomUUID(), SERVER, "r", NOW.minus(Duration.ofDays(30)), "tar.zst",
                new BackupLocation("local", "r"));

        assertThat(Retention.prunable(List.of(running, completed(1)), new RetentionPolicy(1, 1), NOW)).isEmpty();
    }

    @Test
    void ageAndCountTogetherDoNotPruneTwice() {
        BackupRecord a = completed(20);
        BackupRecord b = completed(3);
        BackupRecord c = completed(2);
        BackupRecord d = completed(1);

        assertThat(Retention.prunable(List.of(a, b, c, d), new RetentionPolicy(2, 7), NOW)).containsExactly(a, b);
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThatThrownBy(() -> new RetentionPolicy(-1, 0)).hasMessageContaining("the most backups kept");
        assertThatThrownBy(() -> new RetentionPolicy(0, -3)).hasMessageContaining("the most days a backup is kept");
    }
}
