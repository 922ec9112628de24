package dev.raptor.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Numbers for people: sizes in binary units, durations, and "5 minutes ago" like docker prints them. */
public final class Human {
    private Human() {
    }

    /** {@code 0B}, {@code 512B}, {@code 1.5KiB}, {@code 12.3MiB}, {@code 512MiB}, {@code 1GiB}: three significant digits. */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            return "-";
        }
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return number(v) + units[u];
    }

    /** A size given in MiB ({@code 0} is "unlimited" in limits, so callers decide how to show it). */
    public static String mebibytes(long mib) {
        return bytes(mib * 1024 * 1024);
    }

    private static String number(double v) {
        String s;
        if (v >= 100) {
            s = String.format(Locale.ROOT, "%.0f", v);
        } else if (v >= 10) {
            s = String.format(Locale.ROOT, "%.1f", v);
        } else {
            s = String.format(Locale.ROOT, "%.2f", v);
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** Docker's human duration: {@code Less than a second}, {@code 5 seconds}, {@code About a minute}, {@code 3 hours}... */
    public static String duration(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        long minutes = seconds / 60;
        long hours = minutes / 60;
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        } else if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        } else if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }

    /** {@code 5 minutes ago}; a missing time is an empty cell. */
    public static String ago(Instant at, Instant now) {
        return at == null ? "" : duration(Duration.between(at, now)) + " ago";
    }

    /** Compact: {@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 3d4h}. */
    public static String compactDuration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
        }
        return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
    }

    /** {@code 12.50%}. */
    public static String percent(double p) {
        return String.format(Locale.ROOT, "%.2f%%", p);
    }
}
