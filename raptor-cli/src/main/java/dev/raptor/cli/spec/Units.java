package dev.raptor.cli.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the quantities operators type: memory sizes, CPU shares and durations. */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*b$|^(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?$");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private Units() {
    }

    /**
     * A memory or disk size in MiB: {@code 512m}, {@code 1g}, {@code 1.5g}, {@code 2048k},
     * {@code 1073741824b}; a bare number is MiB (the API's unit). Rounded up to whole MiB; 0 = unlimited.
     */
    public static long mebibytes(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use a number with k, m, g or t, e.g. 512m or 1.5g");
        }
        if (m.group(1) != null) { // bytes
            return new BigDecimal(m.group(1)).divide(BigDecimal.valueOf(1L << 20), 0, RoundingMode.CEILING).longValueExact();
        }
        BigDecimal n = new BigDecimal(m.group(2));
        BigDecimal mib = switch (m.group(3)) {
            case "k" -> n.divide(BigDecimal.valueOf(1024), 10, RoundingMode.CEILING);
            case "", "m" -> n;
            case "g" -> n.multiply(BigDecimal.valueOf(1024));
            case "t" -> n.multiply(BigDecimal.valueOf(1024 * 1024));
            default -> throw new IllegalStateException(m.group(3));
        };
        try {
            return mib.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** A CPU share as percent of one core: {@code 1.5} → 150, {@code 0.25} → 25, {@code 150%} → 150. */
    public static int cpuPercent(String text) {
        String t = text == null ? "" : text.strip();
        try {
            BigDecimal percent = t.endsWith("%")
                    ? new BigDecimal(t.substring(0, t.length() - 1).strip())
                    : new BigDecimal(t).multiply(BigDecimal.valueOf(100));
            if (percent.signum() < 0) {
                throw new NumberFormatException();
            }
            return percent.setScale(0, RoundingMode.HALF_UP).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CPU count: use cores such as 1.5 (= 150%) or a percentage such as 150%");
        }
    }

    /**
     * A duration: {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 500ms}, {@code 2d}; a bare number is seconds.
     */
    public static Duration duration(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofMillis(new BigDecimal(t).multiply(BigDecimal.valueOf(1000)).longValue());
        }
        Matcher m = DURATION_PART.matcher(t);
        long millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            BigDecimal n = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                case "d" -> 86_400_000;
                default -> throw new IllegalStateException();
            };
            millis += n.multiply(BigDecimal.valueOf(unit)).longValue();
            end = m.end();
        }
        if (t.isEmpty() || end != t.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 30s, 10m, 1h30m");
        }
        return Duration.ofMillis(millis);
    }
}
