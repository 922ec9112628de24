package dev.raptor.backup.retention;

import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which of a server's backups a policy prunes: a pure decision, tested without storage. */
public final class Retention {
    private Retention() {
    }

    /**
     * The backups to delete, oldest first: unlocked ones older than {@code maxAgeDays}, then the oldest unlocked
     * completed ones until at most {@code max} completed remain. Running backups are never chosen.
     */
    public static List<BackupRecord> prunable(List<BackupRecord> backups, RetentionPolicy policy, Instant now) {
        List<BackupRecord> sorted = new ArrayList<>(backups);
        sorted.sort(Comparator.comparing(BackupRecord::createdAt).thenComparing(b -> b.id().toString()));
        Set<BackupRecord> out = new LinkedHashSet<>();
        if (policy.maxAgeDays() > 0) {
            Instant cutoff = now.minus(Duration.ofDays(policy.maxAgeDays()));
            for (BackupRecord b : sorted) {
                if (!b.locked() && b.status() != BackupStatus.RUNNING && b.createdAt().isBefore(cutoff)) {
                    out.add(b);
                }
            }
        }
        if (policy.max() > 0) {
            long completed = sorted.stream().filter(b -> b.status() == BackupStatus.COMPLETED && !out.contains(b)).count();
            for (BackupRecord b : sorted) {
                if (completed <= policy.max()) {
                    break;
                }
                if (b.status() == BackupStatus.COMPLETED && !b.locked() && out.add(b)) {
                    completed--;
                }
            }
        }
        return out.stream().sorted(Comparator.comparing(BackupRecord::createdAt)).toList();
    }
}
