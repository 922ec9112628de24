package dev.raptor.core.health;

import java.util.Locale;

/** Sizes in the words health details use. */
final class Bytes {
    private Bytes() {
    }

    static String human(long bytes) {
        double gib = bytes / (1024.0 * 1024 * 1024);
        if (gib >= 1) {
            return String.format(Locale.ROOT, "%.1f GiB", gib);
        }
        double mib = bytes / (1024.0 * 1024);
        return mib >= 1 ? String.format(Locale.ROOT, "%.1f MiB", mib) : bytes + " B";
    }
}
