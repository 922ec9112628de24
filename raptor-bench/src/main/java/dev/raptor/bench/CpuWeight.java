package dev.raptor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU weight the harness runs the daemons it starts, and itself, with: raptord.service gives raptord
 * {@code CPUWeight=1000}, ten times the default 100 of every sibling (the engine's units, each container's scope),
 * so the bench's daemon gets the same. The harness stands in for the panel, which polls from another machine on a
 * hosting node; here it shares the two cores with the containers it churns, so it gets the same weight as the daemon
 * (else its own wait for a CPU would be counted as the daemon's answer time). {@code --cpu-weight=0} leaves both
 * where they are, to compare.
 *
 * <p>Each process gets a cgroup of its own. On cgroup v2 it is {@code raptor-bench-<pid>-<label>} under
 * {@code system.slice} (where units live; the root where there is none) with {@code cpu.weight}; on v1 it is at the
 * root of the {@code cpu} hierarchy with {@code cpu.shares} = weight × 1024 / 100, as systemd maps the same setting.
 * Writing a pid to {@code cgroup.procs} moves all of its threads; threads and children made later stay with it.
 * When the cgroup file system cannot be written (not root, a read-only mount), nothing is moved and the run says so.
 */
final class CpuWeight implements AutoCloseable {
    /** raptord.service's {@code CPUWeight=}: the daemon's share against each sibling's default 100. */
    static final int SHIPPED = 1000;
    /** systemd's default {@code CPUWeight=}, every other unit's. */
    private static final int SYSTEMD_DEFAULT = 100;

    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final int weight;
    private final Path root;
    private final Path parent;
    private final boolean v2;
    private final String unavailable;
    private final List<Path> made = new ArrayList<>();
    private Path harnessWasIn;
    /** The engine's cgroups ({@link #placeEngine}) and where the engine was, to move all their processes back. */
    private final List<Path> engineUnits = new ArrayList<>();
    private Path engineWasIn;
    /** Threads placed alone ({@link #placeHarnessThread}) and the cgroup the harness was in then, to move them back. */
    private final Map<Long, Path> threadsWereIn = new java.util.HashMap<>();

    private CpuWeight(int weight, Path root, Path parent, boolean v2, String unavailable) {
        this.weight = weight;
        this.root = root;
        this.parent = parent;
        this.v2 = v2;
        this.unavailable = unavailable;
    }

    /** From {@code --cpu-weight} (1-10000 as systemd takes it; 0 = off; default {@link #SHIPPED}). */
    static CpuWeight of(Map<String, String> options) {
        String given = options.getOrDefault("cpu-weight", Integer.toString(SHIPPED));
        int w;
        try {
            w = Integer.parseInt(given.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cpu-weight must be a whole number from 1 to 10000 or 0 (was '" + given + "')");
        }
        if (w < 0 || w > 10_000) {
            throw new IllegalArgumentException("--cpu-weight must be from 1 to 10000 or 0 (was " + w + ")");
        }
        if (w == 0) {
            return new CpuWeight(0, ROOT, null, false, "--cpu-weight=0");
        }
        return at(ROOT, w);
    }

    /** The weight on the cgroup file system mounted at {@code root} (a parameter for tests). */
    static CpuWeight at(Path root, int weight) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            Path parent = Files.isDirectory(root.resolve("system.slice")) ? root.resolve("system.slice") : root;
            try {
                if (!Files.readString(parent.resolve("cgroup.subtree_control")).contains("cpu")) {
                    return new CpuWeight(weight, root, null, true, "cgroup v2 without the cpu controller enabled in " + parent);
                }
            } catch (IOException e) {
                return new CpuWeight(weight, root, null, true, "cannot read " + parent.resolve("cgroup.subtree_control") + ": " + e.getMessage());
            }
            return writable(new CpuWeight(weight, root, parent, true, null));
        }
        for (String mount : List.of("cpu", "cpu,cpuacct", "cpuacct,cpu")) {
            Path dir = root.resolve(mount);
            if (Files.exists(dir.resolve("cpu.shares"))) {
                return writable(new CpuWeight(weight, root, dir, false, null));
            }
        }
        return new CpuWeight(weight, root, null, false, "no cgroup cpu controller under " + root);
    }

    private static CpuWeight writable(CpuWeight w) {
        return Files.isWritable(w.parent.resolve("cgroup.procs")) ? w
                : new CpuWeight(w.weight, w.root, null, w.v2, "cannot write " + w.parent.resolve("cgroup.procs") + " (not root?)");
    }

    boolean applies() {
        return unavailable == null;
    }

    /** One line for the run's output: what the daemon and the harness run with. */
    String describe() {
        if (!applies()) {
            return "cpu weight: not applied (" + unavailable + "): daemon and harness share the CPU with everything else";
        }
        return String.format(Locale.ROOT, "cpu weight: daemon and harness each in a cgroup of their own with CPUWeight=%d as"
                + " raptord.service gives raptord (%s under %s), siblings keep the default", weight,
                v2 ? "cpu.weight " + weight : "cgroup v1 cpu.shares " + shares(), parent);
    }

    private long shares() {
        return weight * 1024L / 100;
    }

    /**
     * Moves {@code pid} (all its threads) into a new cgroup {@code raptor-bench-<pid>-<label>} with the weight.
     *
     * @return false when the weight does not apply here (see {@link #describe()})
     */
    synchronized boolean place(long pid, String label) throws IOException {
        if (!applies()) {
            return false;
        }
        Path dir = cgroup("raptor-bench-" + pid + "-" + label, weight);
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
        return true;
    }

    /** A new cgroup {@code name} under the parent with CPUWeight {@code w} (v1: its shares), removed by {@link #close()}. */
    private Path cgroup(String name, int w) throws IOException {
        Path dir = parent.resolve(name);
        Files.createDirectories(dir);
        made.add(dir);
        Files.writeString(dir.resolve(v2 ? "cpu.weight" : "cpu.shares"), v2 ? Integer.toString(w) : Long.toString(w * 1024L / 100));
        return dir;
    }

    /**
     * The calling harness thread {@code tid} alone in a new cgroup {@code raptor-bench-<pid>-<label>} with the weight
     * (cgroup v1 only), and a real-time budget of {@code rtMicrosPerSecond} a second when above 0; {@link #close()} moves
     * it back.
     */
    private void placeThread(long tid, String label, long rtMicrosPerSecond) throws IOException {
        Path was = currentCgroup(ProcessHandle.current().pid());
        Path dir = cgroup("raptor-bench-" + ProcessHandle.current().pid() + "-" + label, weight);
        if (rtMicrosPerSecond > 0 && Files.exists(dir.resolve("cpu.rt_runtime_us"))) { // real-time group scheduling: a budget per cgroup
            Files.writeString(dir.resolve("cpu.rt_runtime_us"), Long.toString(rtMicrosPerSecond
                    * Long.parseLong(Files.readString(dir.resolve("cpu.rt_period_us")).strip()) / 1_000_000L));
        }
        Files.writeString(dir.resolve("tasks"), Long.toString(tid));
        threadsWereIn.put(tid, was);
    }

    /**
     * Moves one thread of the harness ({@code tid}, e.g. the storm's polling thread) into a cgroup of its own,
     * {@code raptor-bench-<pid>-<label>}, with the same weight: its wait for a CPU then no longer depends on the harness's
     * other threads, and it competes with the daemon as a group of its own. Only on cgroup v1, where a thread can be placed
     * alone ({@code tasks}); v2 would need a threaded subtree. {@link #close()} moves it back with the whole harness.
     *
     * @return false when it cannot be done here (the weight does not apply, or cgroup v2)
     */
    synchronized boolean placeHarnessThread(long tid, String label) throws IOException {
        if (!applies() || v2) {
            return false;
        }
        placeThread(tid, label, 0);
        return true;
    }

    /**
     * Moves one thread of the harness ({@code tid}: the storm's polling thread) into a cgroup of its own,
     * {@code raptor-bench-<pid>-<label>}, with the same weight and a real-time budget of {@code rtMicrosPerSecond}
     * (cgroup v1's {@code cpu.rt_runtime_us} of each {@code cpu.rt_period_us}), so that the thread may then run at a
     * real-time policy, and never for more than that budget a second. Only on cgroup v1. The thread must be back in the
     * ordinary policy before {@link #close()} moves it back (a real-time thread cannot enter a cgroup without a budget).
     *
     * @return null when placed, else why not
     */
    synchronized String placeRealtimeThread(long tid, String label, long rtMicrosPerSecond) throws IOException {
        if (!applies()) {
            return "the CPU weight does not apply here (" + unavailable + ")";
        }
        if (v2) {
            return "cgroup v2 (a thread cannot be placed alone outside a threaded subtree)";
        }
        placeThread(tid, label, rtMicrosPerSecond);
        return null;
    }

    /**
     * Lays the engine out as a systemd host runs it: {@code dockerd} and the {@code containerd} it started (with the shims
     * containerd forks later) each in a cgroup of its own at the default weight, as {@code docker.service} and
     * {@code containerd.service} are, instead of every one of their threads competing on its own in the root cgroup (a
     * dockerd started by hand, as on a test machine). The daemon's weight is ten times a sibling's only against siblings;
     * against two hundred runnable engine threads at the root it was a share of a few percent. The containers stay where
     * the engine puts them. {@link #close()} moves every process of those cgroups back where the engine was.
     *
     * @param dockerd the engine's process id ({@code -1}: unknown, nothing is moved)
     * @return what was done, for the run's output
     */
    synchronized String placeEngine(long dockerd) throws IOException {
        if (!applies()) {
            return "the engine left where it runs (the CPU weight does not apply here)";
        }
        if (dockerd <= 0 || ProcessHandle.of(dockerd).isEmpty()) {
            return "the engine left where it runs (its dockerd process is not known)";
        }
        Path was = currentCgroup(dockerd);
        if (was.getFileName() != null && was.getFileName().toString().startsWith("raptor-bench-")) {
            was = parent; // left in an earlier run's cgroup by a harness that did not end cleanly
        }
        engineWasIn = was;
        List<String> units = new ArrayList<>();
        units.add(unit(dockerd, "engine-dockerd"));
        for (ProcessHandle child : ProcessHandle.of(dockerd).get().children().toList()) {
            if (child.info().command().map(c -> c.endsWith("/containerd")).orElse(false)) {
                units.add(unit(child.pid(), "engine-containerd"));
            }
        }
        return "the engine's " + String.join(" and ", units) + " each in a cgroup of their own at the default weight (as docker.service and"
                + " containerd.service), moved from " + was;
    }

    /** One engine process into a cgroup of its own at systemd's default weight; its name for the run's output. */
    private String unit(long pid, String label) throws IOException {
        Path dir = cgroup("raptor-bench-" + ProcessHandle.current().pid() + "-" + label, SYSTEMD_DEFAULT);
        engineUnits.add(dir);
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
        return label.substring("engine-".length()) + " (" + pid + ")";
    }

    /** Moves the harness itself, remembering where it was so that {@link #close()} can move it back. */
    synchronized void placeHarness() throws IOException {
        if (!applies()) {
            return;
        }
        harnessWasIn = currentCgroup(ProcessHandle.current().pid());
        place(ProcessHandle.current().pid(), "harness");
    }

    /** The cgroup {@code pid} is in, in this hierarchy, as a directory. */
    Path currentCgroup(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            boolean mine = v2 ? f[0].equals("0") && f[1].isEmpty() : List.of(f[1].split(",")).contains("cpu");
            if (mine) {
                Path top = v2 ? root : parent;
                return top.resolve(f[2].substring(1));
            }
        }
        throw new IOException("no " + (v2 ? "cgroup v2" : "cpu") + " entry in /proc/" + pid + "/cgroup");
    }

    /** Moves the harness back and removes every cgroup made (each is empty once its daemon has stopped). */
    @Override
    public synchronized void close() {
        for (var t : threadsWereIn.entrySet()) {
            try {
                Files.writeString(t.getValue().resolve("tasks"), Long.toString(t.getKey()));
            } catch (IOException e) {
                // the thread has ended, or the harness's move below takes it along
            }
        }
        threadsWereIn.clear();
        if (harnessWasIn != null) {
            try {
                Files.writeString(harnessWasIn.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
            } catch (IOException e) {
                System.err.println("cpu weight: could not move the harness back to " + harnessWasIn + ": " + e.getMessage());
            }
        }
        for (Path unit : engineUnits) {
            try {
                for (String pid : Files.readAllLines(unit.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) {
                        try {
                            Files.writeString(engineWasIn.resolve("cgroup.procs"), pid.strip());
                        } catch (IOException e) {
                            // the process has ended
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("cpu weight: could not move the engine's processes in " + unit + " back to " + engineWasIn + ": "
                        + e.getMessage());
            }
        }
        engineUnits.clear();
        for (Path dir : made) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                System.err.println("cpu weight: could not remove " + dir + " (a process still in it?): " + e.getMessage());
            }
        }
        made.clear();
    }
}
