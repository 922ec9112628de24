package dev.raptor.core.backup;

import java.util.Locale;

/** Where a backup stands: running until its archive is complete (or has failed). */
public enum BackupStatus {
    RUNNING, COMPLETED, FAILED;

    /** {@code running}, {@code completed} or {@code failed}: the API's and the table's word. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but a {@link #wireName()} */
    public static BackupStatus parse(String wireName) {
        for (BackupStatus s : values()) {
            if (s.wireName().equals(wireName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no backup status '" + wireName + "'");
    }
}
