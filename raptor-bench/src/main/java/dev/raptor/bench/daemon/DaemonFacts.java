package dev.raptor.bench.daemon;

import dev.raptor.daemon.launch.DaemonProcess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the harness measures of a daemon it started ({@link DaemonProcess}, raptor-daemon's launcher): its
 * resident memory, its heap after a full GC, its native memory by category, and from its log how long boot
 * reconciliation took.
 */
public final class DaemonFacts {
    private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved )?(\\d+)K, (?:committed (\\d+)K, )?used (\\d+)K");
    /** ZGC says it in its own words: {@code ZHeap used 250M, capacity 378M, max capacity 512M}. */
    private static final Pattern ZGC_HEAP = Pattern.compile("ZHeap\\s+used (\\d+)M, capacity (\\d+)M");

    private DaemonFacts() {
    }

    /** Resident set size of the daemon's JVM, from {@code /proc/<pid>/status} (VmRSS), in bytes. */
    public static long rssBytes(DaemonProcess d) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + d.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + d.pid() + "/status");
    }

    /**
     * The daemon's resident memory by kind: VmRSS's anonymous and file-backed parts ({@code /proc/<pid>/status}), and
     * the resident and privately written kB of the JVM's mapped class archives (an AOT cache {@code *.aot}, the JDK's
     * {@code classes*.jsa}) from {@code /proc/<pid>/smaps}: one line to print.
     */
    public static String rssParts(DaemonProcess d) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/" + d.pid() + "/status"))) {
            if (line.startsWith("RssAnon:") || line.startsWith("RssFile:") || line.startsWith("RssShmem:")) {
                out.append(line.replaceAll("\\s+", " ")).append(", ");
            }
        }
        long rss = 0;
        long dirty = 0;
        boolean archive = false;
        for (String line : Files.readAllLines(Path.of("/proc/" + d.pid() + "/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                archive = line.endsWith(".aot") || line.matches(".*/classes[^/]*\\.jsa$");
            } else if (archive && line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (archive && line.startsWith("Private_Dirty:")) {
                dirty += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return out.append("class archives mapped from files: Rss ").append(rss).append(" kB (written: ").append(dirty).append(" kB)").toString();
    }

    /**
     * CPU time the daemon's JVM has used so far (user + system, all its threads), from {@code /proc/<pid>/stat}, in
     * seconds: unlike wall time, barely moved by other work on a shared machine.
     */
    public static double cpuSeconds(DaemonProcess d) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + d.pid() + "/stat"));
        // the fields after the command name (which may hold spaces) in parentheses: state is field 3, utime 14, stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // clock ticks; USER_HZ is 100 on Linux
    }

    /** The daemon's native (platform) threads, from {@code /proc/<pid>/status} (Threads): virtual threads are not among them. */
    public static int nativeThreads(DaemonProcess d) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + d.pid() + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no Threads in /proc/" + d.pid() + "/status");
    }

    /** The daemon's open sockets (engine connections among them), counted in {@code /proc/<pid>/fd}. */
    public static int openSockets(DaemonProcess d) throws IOException {
        int sockets = 0;
        try (var fds = Files.list(Path.of("/proc/" + d.pid() + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return sockets;
    }

    /** The daemon's Java heap after a full GC, from {@code jcmd GC.heap_info}: [used, committed] bytes. */
    public static long[] heapAfterGc(DaemonProcess d) throws IOException, InterruptedException {
        jcmd(d, "GC.run");
        return heap(d);
    }

    /** The daemon's Java heap as it is, without a collection first: [used, committed] bytes. */
    public static long[] heap(DaemonProcess d) throws IOException, InterruptedException {
        String out = jcmd(d, "GC.heap_info");
        Matcher z = ZGC_HEAP.matcher(out);
        if (z.find()) {
            return new long[]{Long.parseLong(z.group(1)) << 20, Long.parseLong(z.group(2)) << 20};
        }
        Matcher m = HEAP_USED.matcher(out);
        if (!m.find()) {
            throw new IOException("cannot read the heap from jcmd GC.heap_info:\n" + out);
        }
        long committed = m.group(2) != null ? Long.parseLong(m.group(2)) : Long.parseLong(m.group(1));
        return new long[]{Long.parseLong(m.group(3)) * 1024, committed * 1024};
    }

    /**
     * The daemon's native memory by category ({@code jcmd VM.native_memory summary}), when it runs with
     * {@code -XX:NativeMemoryTracking=summary}; empty otherwise.
     */
    public static Optional<String> nativeMemory(DaemonProcess d) throws IOException, InterruptedException {
        String out = jcmd(d, "VM.native_memory", "summary", "scale=MB");
        return out.contains("Total: reserved") ? Optional.of(out) : Optional.empty();
    }

    /**
     * The first {@code rows} lines of the daemon's live-object histogram ({@code jcmd GC.class_histogram}, which
     * collects first): class, instances and bytes, largest first, with its total line.
     */
    public static List<String> classHistogram(DaemonProcess d, int rows) throws IOException, InterruptedException {
        List<String> lines = jcmd(d, "GC.class_histogram").lines().toList();
        List<String> out = new ArrayList<>(lines.stream().filter(l -> l.matches("\\s*\\d+:.*")).limit(rows).toList());
        lines.stream().filter(l -> l.startsWith("Total")).findFirst().ifPresent(out::add);
        return out;
    }

    private static String jcmd(DaemonProcess d, String... command) throws IOException, InterruptedException {
        Path jcmd = Path.of(javaBinary()).resolveSibling("jcmd");
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(d.pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " did not finish within 60 s");
        }
        return out;
    }

    /**
     * How long boot reconciliation took inside the daemon, from its log: from the line where the runtime
     * reported the engine (just before the fleet boots) to the reconciliation report. Empty when either
     * line is missing.
     */
    public static Optional<Duration> reconcileFromLog(DaemonProcess d) {
        try {
            Instant engine = null;
            for (String line : Files.readAllLines(d.stderrFile())) {
                if (engine == null && line.contains("RuntimeSelector") && line.contains(" - engine: ")) {
                    engine = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
                } else if (engine != null && line.contains("boot reconciliation: ReconcileReport")) {
                    Instant done = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
                    return Optional.of(Duration.between(engine, done));
                }
            }
        } catch (IOException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The harness's class path without the harness itself (its logback.xml and JMH are not the daemon's). */
    public static String daemonClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("raptor-bench"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
