package dev.raptor.core.operation;

import java.util.Locale;

/** Where an operation stands: pending until it gets its one answer, done, superseded or failed. */
public enum OperationStatus {
    PENDING, DONE, SUPERSEDED, FAILED;

    /** {@code pending}, {@code done}, {@code superseded} or {@code failed}: the API's and the table's word. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but a {@link #wireName()} */
    public static OperationStatus parse(String wireName) {
        for (OperationStatus s : values()) {
            if (s.wireName().equals(wireName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no operation status '" + wireName + "'");
    }
}
