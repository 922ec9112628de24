package dev.raptor.bench.scenario;

import dev.raptor.backup.BackupListener;
import dev.raptor.backup.BackupRequest;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.BackupTarget;
import dev.raptor.backup.storage.LocalDirectoryStorage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.store.SqliteStore;
import dev.raptor.core.backup.BackupRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A backup and a restore of a 1 GiB server tree through {@link BackupService} (tar + zstd at level 3 on every
 * core, SHA-256 while writing, into local storage; the restore extracts into a staging tree while it checks the
 * archive's SHA-256, flushes, and swaps; the replaced tree is removed in the background, untimed), against
 * GNU tar on the same tree in the same run: {@code tar czf} / {@code tar xzf} and {@code tar --zstd} (the
 * {@code zstd} program's defaults: level 3, one thread). Each is run {@code --repeats} times; medians are compared.
 *
 * <p>The tree is what a game server holds: region files that are already compressed (random bytes, 55%), text
 * (configs, logs, JSON: repetitive words, 35%) and thousands of small files (10%). Everything is in the page
 * cache for every tool (the tree is read once before measuring), so the figures compare the work, not the disk.
 *
 * <p>No timed extraction (a restore or a {@code tar -x}) starts within {@code --settle} seconds (default 61) of
 * the last removal of a tree: ext4 without a journal (this project's bench machine) does not reuse an inode freed
 * in the last 60 seconds, and every file created in that window first walks the group's recently freed inodes
 * (kernel profile of {@code tar -xf}: ~65% of its CPU in inode allocation right after a removal, 1.2 vs 2.6 s of
 * system time), which measures the file system's recent past rather than the extraction. {@code tar}'s outputs
 * are therefore kept (flushed, untimed, so no write-back overlaps a later measurement) and removed at the end;
 * the only removal between measurements is the restore's own replaced tree, which the next extraction waits out.
 * {@code --settle=0} measures the old way (every extraction right after a removal).
 */
public final class BackupScenario implements Scenario {
    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String description() {
        return "1 GiB tree: raptor backup/restore vs tar czf/xzf and tar --zstd (--mib=1024 --repeats=3 --settle=61)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        requireTool("tar");
        requireTool("zstd");
        double gib = bench.intOption("mib", 1024) / 1024.0;
        int repeats = bench.intOption("repeats", 3);
        Settle settle = new Settle(bench.intOption("settle", 61)); // what ran before (other scenarios) may have removed trees
        Path work = Files.createDirectories(bench.work().resolve("backup"));
        UUID server = UUID.randomUUID();
        try (SqliteStore store = SqliteStore.open(work.resolve("data"));
             ServerVolumes volumes = new ServerVolumes(work.resolve("data/volumes"), UsageSettings.defaults())) {
            Path root = Files.createDirectories(volumes.root(server));
            long bytes = (long) (gib * 1024 * 1024 * 1024);
            generate(root, bytes);
            readAll(root);
            BackupService backups = new BackupService(store.backupRecords(), volumes,
                    StorageSet.of(new LocalDirectoryStorage(work.resolve("data/backups"))), BackupSettings.defaults(), Clock.systemUTC());
            BackupTarget target = BackupTarget.of(server);

            List<Double> raptorBackup = new ArrayList<>();
            List<Double> raptorRestore = new ArrayList<>();
            List<Double> tarGz = new ArrayList<>();
            List<Double> untarGz = new ArrayList<>();
            List<Double> tarZst = new ArrayList<>();
            List<Double> untarZst = new ArrayList<>();
            long archiveBytes = 0;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                BackupRecord b = backups.create(target, BackupRequest.DEFAULT, BackupListener.NONE);
                raptorBackup.add(seconds(t0));
                archiveBytes = b.sizeBytes();
                settle.await();
                t0 = System.nanoTime();
                backups.restore(target, b.id(), true, BackupListener.NONE);
                raptorRestore.add(seconds(t0));
                // The replaced tree is removed in the background after the restore returns; that is not timed, but it
                // must not overlap the references either, and the next extraction waits --settle seconds after it.
                if (!volumes.awaitTrashEmptied(java.time.Duration.ofMinutes(10))) {
                    throw new IllegalStateException("the restore's replaced tree was not removed within 10 minutes");
                }
                settle.removed();
                backups.delete(server, b.id());

                Path gz = work.resolve("tree.tar.gz");
                tarGz.add(time(List.of("tar", "czf", gz.toString(), "-C", root.toString(), ".")));
                untarGz.add(extractTimed(work.resolve("xzf-" + i), List.of("tar", "xzf", gz.toString()), settle));
                Files.delete(gz);
                Path zst = work.resolve("tree.tar.zst");
                tarZst.add(time(List.of("tar", "--zstd", "-cf", zst.toString(), "-C", root.toString(), ".")));
                untarZst.add(extractTimed(work.resolve("zstd-x-" + i), List.of("tar", "--zstd", "-xf", zst.toString()), settle));
                Files.delete(zst);
            }
            double rb = median(raptorBackup);
            double rr = median(raptorRestore);
            double gzc = median(tarGz);
            double gzx = median(untarGz);
            double zc = median(tarZst);
            double zx = median(untarZst);
            System.out.printf(Locale.ROOT, "backup: %.2f GiB tree, archive %.0f MiB; backup %.2f s (tar czf %.2f s, tar --zstd %.2f s); "
                            + "restore %.2f s (tar xzf %.2f s, tar --zstd -x %.2f s)%n", gib, archiveBytes / 1048576.0, rb, gzc, zc, rr, gzx, zx);
            String tree = gib >= 1 ? String.format(Locale.ROOT, "%.0f GiB tree", gib) : String.format(Locale.ROOT, "%.0f MiB tree", gib * 1024);
            return List.of(
                    new Result(name(), "backup of a " + tree + ", median of " + repeats, secs(rb), secs(gzc) + " (tar czf)",
                            Result.ratio(gzc, rb) + " faster", ">= 2x faster than tar czf", Result.verdict(gzc / rb >= 2)),
                    new Result(name(), "backup of a " + tree + ", median of " + repeats, secs(rb), secs(zc) + " (tar --zstd)",
                            Result.ratio(rb, zc), "<= 1.2x tar --zstd", Result.verdict(rb / zc <= 1.2)),
                    new Result(name(), "restore (checksum while extracting, stage, flush, swap) of a " + tree + ", median of " + repeats, secs(rr),
                            secs(gzx) + " (tar xzf)", Result.ratio(gzx, rr) + " faster", ">= 2x faster than tar xzf",
                            Result.verdict(gzx / rr >= 2)),
                    new Result(name(), "restore (checksum while extracting, stage, flush, swap) of a " + tree + ", median of " + repeats, secs(rr),
                            secs(zx) + " (tar --zstd -x)", Result.ratio(rr, zx), "<= 1.2x tar --zstd", Result.verdict(rr / zx <= 1.2)));
        } finally {
            deleteTree(work);
        }
    }

    private static String secs(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    private static double time(List<String> cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 30 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue());
        }
        return seconds(t0);
    }

    /**
     * Extracts into the fresh directory {@code into} (timed) once no tree was removed for {@code --settle} seconds,
     * then flushes it (not timed). With {@code --settle=0} it is removed right away, as before that setting.
     */
    private static double extractTimed(Path into, List<String> cmd, Settle settle) throws IOException, InterruptedException {
        Files.createDirectories(into);
        List<String> full = new ArrayList<>(cmd);
        full.addAll(List.of("-C", into.toString()));
        settle.await();
        double t = time(full);
        if (settle.seconds() == 0) {
            deleteTree(into);
        } else {
            time(List.of("sync", "-f", into.toString())); // kept until the end: clean pages, no write-back later
        }
        return t;
    }

    /** When the last tree was removed, and the wait that keeps a timed extraction {@code seconds} after it. */
    private static final class Settle {
        private final int seconds;
        private long lastRemoval = System.nanoTime();

        Settle(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("--settle must be 0 or more seconds, not " + seconds);
            }
            this.seconds = seconds;
        }

        int seconds() {
            return seconds;
        }

        void removed() {
            lastRemoval = System.nanoTime();
        }

        void await() throws InterruptedException {
            long left = lastRemoval + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }
    }

    private static void requireTool(String tool) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the backup scenario compares with " + tool + ": apt-get install -y " + tool);
        }
    }

    /** Region files (random: already compressed), text files (repetitive), and many small configs. */
    static void generate(Path root, long bytes) throws IOException {
        Random r = new Random(42);
        long regions = bytes * 55 / 100;
        long text = bytes * 35 / 100;
        long small = bytes - regions - text;
        byte[] block = new byte[1 << 20];
        Files.createDirectories(root.resolve("world/region"));
        for (int i = 0; regions > 0; i++) {
            long size = Math.min(regions, 48L << 20);
            try (FileChannel ch = FileChannel.open(root.resolve("world/region/r." + i + ".0.mca"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long left = size; left > 0; ) {
                    r.nextBytes(block);
                    ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, left));
                    while (b.hasRemaining()) {
                        left -= ch.write(b);
                    }
                }
            }
            regions -= size;
        }
        String[] words = {"player", "joined", "the", "game", "chunk", "saved", "tick", "server", "world", "entity", "block",
                "minecraft:stone", "x=", "y=", "z=", "INFO", "WARN", "true", "false", "{", "}", "\"name\":", "\"uuid\":"};
        Files.createDirectories(root.resolve("logs"));
        for (int i = 0; text > 0; i++) {
            long size = Math.min(text, 16L << 20);
            StringBuilder sb = new StringBuilder();
            try (FileChannel ch = FileChannel.open(root.resolve("logs/log-" + i + ".log"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long left = size;
                while (left > 0) {
                    sb.setLength(0);
                    while (sb.length() < 64 * 1024) {
                        sb.append('[').append(r.nextInt(24)).append(':').append(r.nextInt(60)).append("] ");
                        for (int w = 0; w < 8; w++) {
                            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(3) == 0 ? String.valueOf(r.nextInt(100000)) : "").append(' ');
                        }
                        sb.append('\n');
                    }
                    byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.wrap(line, 0, (int) Math.min(line.length, left));
                    while (b.hasRemaining()) {
                        left -= ch.write(b);
                    }
                }
            }
            text -= size;
        }
        byte[] buf = new byte[32 * 1024];
        for (int i = 0; small > 0; i++) {
            Path dir = Files.createDirectories(root.resolve("plugins/p" + (i % 50) + "/config"));
            int size = (int) Math.min(small, 512 + r.nextInt(buf.length - 512));
            for (int k = 0; k < size; k++) {
                buf[k] = (byte) words[r.nextInt(words.length)].charAt(0);
            }
            Files.write(dir.resolve("c" + i + ".yml"), java.util.Arrays.copyOf(buf, size));
            small -= size;
        }
    }

    private static void readAll(Path root) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                try (var in = Files.newInputStream(p)) {
                    while (in.read(buf) > 0) {
                        // into the page cache
                    }
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
