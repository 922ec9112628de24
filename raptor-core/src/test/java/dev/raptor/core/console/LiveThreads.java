package dev.raptor.core.console;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts live threads, virtual ones included (which {@code Thread.getAllStackTraces()} leaves out), by
 * taking a JSON thread dump: how tests prove that closing something ended every thread it started.
 */
public final class LiveThreads {
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");

    private LiveThreads() {
    }

    /** Live threads whose name starts with one of {@code prefixes}. */
    public static long named(String... prefixes) {
        try {
            Path file = Files.createTempFile("threads", ".json");
            Files.delete(file);
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                Matcher m = NAME.matcher(Files.readString(file));
                long n = 0;
                while (m.find()) {
                    String name = m.group(1);
                    if (Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                        n++;
                    }
                }
                return n;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
