package dev.raptor.core.update;

import java.util.Locale;

/**
 * How an update ended: {@code running} (written before anything is touched, so a crash leaves a row the next boot
 * settles), {@code succeeded}, {@code failed} (nothing was changed: a download, a checksum, disk space), or
 * {@code rolled-back} (the new version was applied and taken back: the previous version's files were restored).
 */
public enum UpdateOutcome {
    RUNNING, SUCCEEDED, FAILED, ROLLED_BACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static UpdateOutcome parse(String text) {
        for (UpdateOutcome o : values()) {
            if (o.wireName().equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown update outcome '" + text + "'");
    }
}
