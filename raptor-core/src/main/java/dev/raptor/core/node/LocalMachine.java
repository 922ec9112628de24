package dev.raptor.core.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine this JVM runs on, as a node: its host name, CPUs and memory, read without DNS (which could hang). */
public final class LocalMachine {
    private LocalMachine() {
    }

    /** This machine, ready. */
    public static RuntimeNode node() {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
        return new RuntimeNode(hostname(), NodeState.READY, null, null, Runtime.getRuntime().availableProcessors(), memory);
    }

    /** The kernel's host name ({@code /proc/sys/kernel/hostname}), else {@code HOSTNAME}, else {@code localhost}. */
    public static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}
