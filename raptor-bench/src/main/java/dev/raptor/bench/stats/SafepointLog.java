package dev.raptor.bench.stats;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses of a JVM started with {@link #jvmOption(Path)} ({@code -Xlog:safepoint}): every
 * safepoint, whatever the collector or the VM operation, with the time the Java threads were stopped. That is
 * what a request in flight waits for, so it is comparable across collectors (G1's young pauses, ZGC's
 * sub-millisecond ones, a biased-lock revocation alike).
 */
public final class SafepointLog {
    private static final Pattern TOTAL = Pattern.compile("Total: (\\d+) ns");

    private final Path file;

    public SafepointLog(Path file) {
        this.file = file;
    }

    /** The JVM option that makes a JVM write its safepoints to {@code file}. */
    public static String jvmOption(Path file) {
        return "-Xlog:safepoint=info:file=" + file + ":uptime";
    }

    /** Where the log ends now: pass it to {@link #pausesSince(long)} to take only what comes later. */
    public long mark() throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** The pauses logged after {@code mark}: one sample per safepoint, its total stopped time. */
    public Samples pausesSince(long mark) throws IOException {
        Samples out = new Samples();
        if (!Files.exists(file)) {
            return out;
        }
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            bytes = new byte[(int) Math.max(0, length - mark)];
            f.seek(Math.min(mark, length));
            f.readFully(bytes);
        }
        for (String line : List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"))) {
            Matcher m = TOTAL.matcher(line);
            if (m.find()) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }
}
