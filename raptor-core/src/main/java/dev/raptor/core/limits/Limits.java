package dev.raptor.core.limits;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Resource limits of one server. Zero means "no limit" for memory, cpu, disk and pids.
 *
 * @param memoryMiB  memory limit in MiB; 0 = unlimited
 * @param swapMiB    swap on top of memory in MiB; -1 = unlimited, 0 = none
 * @param cpuPercent CPU quota in percent of one core (100 = one core, 250 = two and a half); 0 = unlimited
 * @param threads    cpuset, the CPUs the server may run on ({@code "0-1,3"}); null = any
 * @param diskMiB    disk quota of the server's data directory in MiB; 0 = unlimited
 * @param ioWeight   block-IO weight, 10–1000 (500 = default share)
 * @param pidsLimit  maximum number of processes/threads; 0 = unlimited
 * @param oomKiller  whether the kernel may OOM-kill the server when it exceeds memory
 */
public record Limits(long memoryMiB, long swapMiB, int cpuPercent, String threads, long diskMiB,
                     int ioWeight, int pidsLimit, boolean oomKiller) {

    private static final Pattern CPUSET = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /** No limits at all (the default when a spec names none). */
    public static final Limits UNLIMITED = new Limits(0, -1, 0, null, 0, 500, 0, true);

    public Limits {
        if (threads != null && threads.isBlank()) {
            threads = null;
        }
    }

    public static Limits tier(Tier tier) {
        return tier.limits();
    }

    public static Limits unlimited() {
        return UNLIMITED;
    }

    public Limits withMemoryMiB(long v) {
        return new Limits(v, swapMiB, cpuPercent, threads, diskMiB, ioWeight, pidsLimit, oomKiller);
    }

    public Limits withSwapMiB(long v) {
        return new Limits(memoryMiB, v, cpuPercent, threads, diskMiB, ioWeight, pidsLimit, oomKiller);
    }

    public Limits withCpuPercent(int v) {
        return new Limits(memoryMiB, swapMiB, v, threads, diskMiB, ioWeight, pidsLimit, oomKiller);
    }

    public Limits withThreads(String v) {
        return new Limits(memoryMiB, swapMiB, cpuPercent, v, diskMiB, ioWeight, pidsLimit, oomKiller);
    }

    public Limits withDiskMiB(long v) {
        return new Limits(memoryMiB, swapMiB, cpuPercent, threads, v, ioWeight, pidsLimit, oomKiller);
    }

    public Limits withIoWeight(int v) {
        return new Limits(memoryMiB, swapMiB, cpuPercent, threads, diskMiB, v, pidsLimit, oomKiller);
    }

    public Limits withPidsLimit(int v) {
        return new Limits(memoryMiB, swapMiB, cpuPercent, threads, diskMiB, ioWeight, v, oomKiller);
    }

    public Limits withOomKiller(boolean v) {
        return new Limits(memoryMiB, swapMiB, cpuPercent, threads, diskMiB, ioWeight, pidsLimit, v);
    }

    /** Field errors relative to the limits object ({@code memoryMiB}, {@code ioWeight}...). */
    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(memoryMiB >= 0 && memoryMiB <= 16L * 1024 * 1024, "memoryMiB",
                "must be 0 (unlimited) or a size in MiB up to 16 TiB (was " + memoryMiB + ")");
        p.check(memoryMiB == 0 || memoryMiB >= 6, "memoryMiB", "must be at least 6 MiB, the engine's minimum (was " + memoryMiB + ")");
        p.check(swapMiB >= -1, "swapMiB", "must be -1 (unlimited), 0 (none) or a size in MiB (was " + swapMiB + ")");
        p.check(swapMiB <= 0 || memoryMiB > 0, "swapMiB", "swap needs a memory limit to add to");
        p.check(cpuPercent >= 0 && cpuPercent <= 100 * 1024, "cpuPercent",
                "must be 0 (unlimited) or a percentage of one core, e.g. 150 (was " + cpuPercent + ")");
        p.check(threads == null || CPUSET.matcher(threads).matches(), "threads",
                "must be a cpuset such as 0-1,3 (was '" + threads + "')");
        p.check(diskMiB >= 0, "diskMiB", "must be 0 (unlimited) or a size in MiB (was " + diskMiB + ")");
        p.check(ioWeight >= 10 && ioWeight <= 1000, "ioWeight", "must be between 10 and 1000 (was " + ioWeight + ")");
        p.check(pidsLimit >= 0, "pidsLimit", "must be 0 (unlimited) or a positive count (was " + pidsLimit + ")");
        return p.list();
    }
}
