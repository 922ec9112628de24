package dev.raptor.backup.retention;

/**
 * How many backups a server keeps, and for how long (the node's {@code backupMax}, {@code backupMaxAgeDays}).
 * Locked backups are never pruned (they may keep the count above {@code max}); failed ones are pruned by age only.
 *
 * @param max        the most completed backups to keep, 0 = no limit
 * @param maxAgeDays backups older than this many days are pruned, 0 = no limit
 */
public record RetentionPolicy(int max, int maxAgeDays) {
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, 0);

    public RetentionPolicy {
        if (max < 0) {
            throw new IllegalArgumentException("the most backups kept must be 0 (no limit) or positive (was " + max + ")");
        }
        if (maxAgeDays < 0) {
            throw new IllegalArgumentException("the most days a backup is kept must be 0 (no limit) or positive (was " + maxAgeDays + ")");
        }
    }
}
