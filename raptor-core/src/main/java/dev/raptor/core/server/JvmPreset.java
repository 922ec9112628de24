package dev.raptor.core.server;

import java.util.List;

/**
 * The JVM flags Java game servers run well with: a fixed heap (the memory limit minus a headroom for the JVM's
 * own memory, so the container is not killed for what the heap does not count) and G1 tuned for short pauses
 * (the flag set Minecraft hosts settled on). A startup command gets them as {@code {{JVM_FLAGS}}}.
 */
public final class JvmPreset {
    /** The placeholder name a startup command uses. */
    public static final String VARIABLE = "JVM_FLAGS";

    static final List<String> G1 = List.of("-XX:+UseG1GC", "-XX:+ParallelRefProcEnabled", "-XX:MaxGCPauseMillis=200",
            "-XX:+UnlockExperimentalVMOptions", "-XX:+DisableExplicitGC", "-XX:+AlwaysPreTouch", "-XX:G1NewSizePercent=30",
            "-XX:G1MaxNewSizePercent=40", "-XX:G1HeapRegionSize=8M", "-XX:G1ReservePercent=20", "-XX:G1HeapWastePercent=5",
            "-XX:G1MixedGCCountTarget=4", "-XX:InitiatingHeapOccupancyPercent=15", "-XX:G1MixedGCLiveThresholdPercent=90",
            "-XX:G1RSetUpdatingPauseTimePercent=5", "-XX:SurvivorRatio=32", "-XX:+PerfDisableSharedMem",
            "-XX:MaxTenuringThreshold=1");

    private JvmPreset() {
    }

    /**
     * The heap for a memory limit: the limit minus an eighth of it, at least 256 MiB of headroom; half the limit
     * when that would leave less than half. 0 (no limit) = no fixed heap.
     */
    public static long heapMiB(long memoryMiB) {
        if (memoryMiB <= 0) {
            return 0;
        }
        long heap = memoryMiB - Math.max(256, memoryMiB / 8);
        return Math.max(heap, memoryMiB / 2);
    }

    /** The flags for a memory limit in MiB (0 = unlimited: no -Xms/-Xmx, the JVM picks). */
    public static String flags(long memoryMiB) {
        long heap = heapMiB(memoryMiB);
        String g1 = String.join(" ", G1);
        return heap == 0 ? g1 : "-Xms" + heap + "M -Xmx" + heap + "M " + g1;
    }
}
