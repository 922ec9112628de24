package dev.raptor.process;

/**
 * Resource use of one server's cgroup.
 *
 * @param memoryBytes      memory in use without the inactive page cache (what {@code docker stats} shows)
 * @param memoryLimitBytes the memory limit, or -1 when unlimited
 * @param cpuNanos         CPU time used since the cgroup was made
 * @param pids             processes and threads in it
 */
record CgroupUsage(long memoryBytes, long memoryLimitBytes, long cpuNanos, long pids) {
}
