package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.bench.daemon.Calls;
import dev.raptor.bench.stats.ProcessCpu;
import dev.raptor.bench.stats.Samples;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.client.FilesClient;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.files.CompressRequest;
import dev.raptor.wire.files.DecompressRequest;
import dev.raptor.wire.files.DeleteRequest;
import dev.raptor.wire.operation.OperationDocument;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The file API's throughput, all in one run against references measured in the same run:
 * <ul>
 *   <li>one random file ({@code --size-mib}, default 1024) uploaded with {@code curl} through {@code PUT
 *   /files/content} (a panel) and through a signed upload URL as {@code multipart/form-data} (a browser), and
 *   downloaded with {@code curl} from {@code GET /files/content}: against {@code cp} of the same file on the same
 *   disk (goal: at least 0.8x both ways, checksums equal); beside them, as context, the same curl commands against
 *   {@link FloorHttpServer} (sendfile out, write + fsync in): the floor under any server on this machine;</li>
 *   <li>a tree of the same total size (64 files of base64 text, about 3:4 compressible like many game files)
 *   compressed by {@code POST /files/compress} to tar.gz and tar.zst and extracted again by {@code POST
 *   /files/decompress}: against GNU {@code tar czf} / {@code tar --zstd -cf} (the zstd CLI's defaults) and their
 *   extraction. Goal: Raptor's tar.zst compresses faster than {@code tar czf}.</li>
 * </ul>
 * Figures are MiB/s of the file's or the tree's size (higher is better), medians of {@code --runs} (default 2).
 * Needs {@code curl}, GNU {@code tar}, {@code gzip} and {@code zstd}.
 */
public final class FilesScenario implements Scenario {
    private static final Duration STEP_LIMIT = Duration.ofMinutes(15);
    private static final int TREE_FILES = 64;

    @Override
    public String name() {
        return "files";
    }

    @Override
    public String description() {
        return "1 GiB upload (PUT, signed multipart) and download with curl vs cp; compress/decompress a 1 GiB tree "
                + "to tar.gz and tar.zst vs tar czf / tar --zstd (--size-mib=1024, --runs=2; --archives=0: transfers only)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        int sizeMiB = bench.intOption("size-mib", 1024);
        int runs = bench.intOption("runs", 2);
        boolean archives = bench.intOption("archives", 1) != 0;
        for (String tool : List.of("curl", "tar", "gzip", "zstd")) {
            if (!onPath(tool)) {
                return List.of(Result.notMeasured(name(), description(), "no " + tool + " here (apt-get install " + tool + ")"));
            }
        }
        Path dir = Files.createDirectories(bench.work().resolve("files"));
        Path payload = dir.resolve("payload.bin");
        exec(dir, "sh", "-c", "head -c " + sizeMiB + "M /dev/urandom > '" + payload + "'");
        Path refTree = dir.resolve("tree");
        if (archives) {
            makeTree(dir, refTree, sizeMiB);
        }

        DaemonProcess daemon = bench.startDaemon("files");
        try (RaptorClient api = daemon.client(daemon.apiKey());
             FloorHttpServer floor = new FloorHttpServer(payload, dir.resolve("floor-in.bin"))) {
            UUID id = Calls.create(api, bench.idleServer("files-bench"));
            Path volume = Files.createDirectories(daemon.dataDir().resolve("volumes").resolve(id.toString()));
            FilesClient files = api.server(id).files();
            String contentUrl = daemon.baseUrl() + "/servers/" + id + "/files/content?path=";
            String auth = "Authorization: Bearer " + daemon.apiKey();
            // the same tree inside the server, copied as the game would have written it (not measured)
            if (archives) {
                exec(dir, "cp", "-a", refTree.toString(), volume.resolve("tree").toString());
            }
            files.mkdir("/uploads");

            Samples put = new Samples();
            Samples multipart = new Samples();
            Samples get = new Samples();
            Samples cpIn = new Samples();
            Samples cpOut = new Samples();
            Samples floorPut = new Samples();
            Samples floorGet = new Samples();
            Samples raptorGz = new Samples();
            Samples raptorZst = new Samples();
            Samples tarGz = new Samples();
            Samples tarZst = new Samples();
            Samples raptorXgz = new Samples();
            Samples raptorXzst = new Samples();
            Samples tarXgz = new Samples();
            Samples tarXzst = new Samples();
            for (int i = 0; i < runs; i++) {
                // transfers: curl against cp, alternating, every copy checked; the daemon's CPU seconds printed with each
                long pid = daemon.pid();
                put.add(timed("PUT with curl", pid, () -> exec(dir, "curl", "-sS", "-f", "-o", "/dev/null", "-H", auth, "-T",
                        payload.toString(), contentUrl + "/payload.bin")));
                cpIn.add(timed("cp in", () -> exec(dir, "cp", payload.toString(), dir.resolve("cp-in.bin").toString())));
                same(payload, volume.resolve("payload.bin"), "PUT");
                Files.delete(dir.resolve("cp-in.bin"));

                String upload = files.uploadUrl("/uploads").url();
                String uploadUrl = "http://127.0.0.1:" + daemon.port() + upload;
                multipart.add(timed("signed multipart upload with curl", pid, () -> exec(dir, "curl", "-sS", "-f", "-o", "/dev/null",
                        "-F", "file=@" + payload + ";filename=payload.bin", uploadUrl)));
                same(payload, volume.resolve("uploads/payload.bin"), "the signed upload");
                delete(api, files, "/uploads/payload.bin");

                get.add(timed("GET with curl", pid, () -> exec(dir, "curl", "-sS", "-f", "-H", auth, "-o",
                        dir.resolve("back.bin").toString(), contentUrl + "/payload.bin")));
                cpOut.add(timed("cp out", () -> exec(dir, "cp", volume.resolve("payload.bin").toString(),
                        dir.resolve("cp-out.bin").toString())));
                same(payload, dir.resolve("back.bin"), "GET");
                Files.delete(dir.resolve("back.bin"));
                Files.delete(dir.resolve("cp-out.bin"));

                // the floor: the same curl against a server that does nothing but sendfile(2) / write(2) + fsync
                floorPut.add(timed("PUT with curl to the floor server (write, fsync)", () -> exec(dir, "curl", "-sS", "-f", "-o",
                        "/dev/null", "-T", payload.toString(), floor.url())));
                same(payload, dir.resolve("floor-in.bin"), "the floor server's upload");
                Files.delete(dir.resolve("floor-in.bin"));
                floorGet.add(timed("GET with curl from the floor server (sendfile)", () -> exec(dir, "curl", "-sS", "-f", "-o",
                        dir.resolve("floor-back.bin").toString(), floor.url())));
                same(payload, dir.resolve("floor-back.bin"), "the floor server's download");
                Files.delete(dir.resolve("floor-back.bin"));
                delete(api, files, "/payload.bin");
                if (!archives) {
                    continue;
                }

                // archives: Raptor's operations against GNU tar on the same tree and disk
                raptorGz.add(timed("compress tar.gz", () -> done(api, files.compress(compress("/tree.tar.gz", "tar.gz")))));
                tarGz.add(timed("tar czf", () -> exec(dir, "tar", "czf", "ref.tar.gz", "tree")));
                raptorZst.add(timed("compress tar.zst", () -> done(api, files.compress(compress("/tree.tar.zst", "tar.zst")))));
                tarZst.add(timed("tar --zstd -cf", () -> exec(dir, "tar", "--zstd", "-cf", "ref.tar.zst", "tree")));

                raptorXgz.add(timed("decompress tar.gz", () -> done(api, files.decompress(new DecompressRequest("/tree.tar.gz", "/x-gz", null, WAIT)))));
                tarXgz.add(timed("tar xzf", () -> exec(Files.createDirectories(dir.resolve("x-gz")), "tar", "xzf", "../ref.tar.gz")));
                raptorXzst.add(timed("decompress tar.zst", () -> done(api, files.decompress(new DecompressRequest("/tree.tar.zst", "/x-zst", null, WAIT)))));
                tarXzst.add(timed("tar --zstd -xf", () -> exec(Files.createDirectories(dir.resolve("x-zst")), "tar", "--zstd", "-xf",
                        "../ref.tar.zst")));
                sameTree(refTree, volume.resolve("x-gz/tree"), "tar.gz");
                sameTree(refTree, volume.resolve("x-zst/tree"), "tar.zst");
                for (String p : List.of("/tree.tar.gz", "/tree.tar.zst", "/x-gz", "/x-zst")) {
                    delete(api, files, p);
                }
                for (String p : List.of("ref.tar.gz", "ref.tar.zst", "x-gz", "x-zst")) {
                    deleteTree(dir.resolve(p));
                }
            }
            double mib = sizeMiB;
            List<Result> out = new ArrayList<>();
            out.add(goal(sizeMiB + " MiB upload, PUT /files/content with curl vs cp, MiB/s", mib, put, cpIn, 0.8));
            out.add(goal(sizeMiB + " MiB upload, signed URL multipart with curl vs cp, MiB/s", mib, multipart, cpIn, 0.8));
            out.add(goal(sizeMiB + " MiB download, GET /files/content with curl vs cp, MiB/s", mib, get, cpOut, 0.8));
            out.add(context(sizeMiB + " MiB upload, PUT with curl vs curl to a minimal server (write, fsync), MiB/s", mib, put, floorPut));
            out.add(context(sizeMiB + " MiB upload, signed multipart vs the same minimal server's PUT, MiB/s", mib, multipart, floorPut));
            out.add(context(sizeMiB + " MiB download, GET with curl vs curl from a minimal sendfile server, MiB/s", mib, get, floorGet));
            out.add(context(sizeMiB + " MiB: the minimal server's PUT (write, fsync) vs cp, MiB/s", mib, floorPut, cpIn));
            out.add(context(sizeMiB + " MiB: the minimal server's GET (sendfile) vs cp, MiB/s", mib, floorGet, cpOut));
            if (!archives) {
                return out;
            }
            double zst = mib / seconds(raptorZst.medianNanos());
            double czf = mib / seconds(tarGz.medianNanos());
            out.add(new Result(name(), sizeMiB + " MiB tree, compress tar.zst (Raptor) vs tar czf, MiB/s", fmt(zst), fmt(czf),
                    Result.ratio(zst, czf), "> 1.00x", Result.verdict(zst > czf)));
            out.add(context(sizeMiB + " MiB tree, compress tar.gz vs tar czf, MiB/s", mib, raptorGz, tarGz));
            out.add(context(sizeMiB + " MiB tree, compress tar.zst vs tar --zstd -cf, MiB/s", mib, raptorZst, tarZst));
            out.add(context(sizeMiB + " MiB tree, decompress tar.gz vs tar xzf, MiB/s", mib, raptorXgz, tarXgz));
            out.add(context(sizeMiB + " MiB tree, decompress tar.zst vs tar --zstd -xf, MiB/s", mib, raptorXzst, tarXzst));
            return out;
        } finally {
            daemon.close();
            deleteTree(dir);
        }
    }

    /** What a request waits for its operation: the API's longest wait, then the client follows it. */
    private static final BigDecimal WAIT = BigDecimal.valueOf(600);

    private static CompressRequest compress(String destination, String format) {
        return new CompressRequest(List.of("/tree"), destination, format, null, WAIT);
    }

    /** Follows a file operation to its outcome (the daemon answers once it is done, or pending after its wait). */
    private static void done(RaptorClient api, OperationDocument answered) throws IOException {
        OperationDocument op = api.operations().await(answered, STEP_LIMIT);
        if (!"done".equals(op.status())) {
            throw new IOException(op.action() + " did not succeed: " + op);
        }
    }

    private static void delete(RaptorClient api, FilesClient files, String path) throws IOException {
        done(api, files.delete(new DeleteRequest(List.of(path), null, WAIT)));
    }

    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private static long timed(String what, Step step) throws IOException, InterruptedException {
        long start = System.nanoTime();
        step.run();
        long took = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "  %s: %.1f s%n", what, took / 1e9);
        return took;
    }

    /** The same, printing the CPU seconds {@code pid} (the daemon) spent meanwhile: load moves them less than wall time. */
    private static long timed(String what, long pid, Step step) throws IOException, InterruptedException {
        double cpu = ProcessCpu.seconds(pid);
        long start = System.nanoTime();
        step.run();
        long took = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "  %s: %.2f s (daemon CPU %.2f s)%n", what, took / 1e9, ProcessCpu.seconds(pid) - cpu);
        return took;
    }

    private Result goal(String figure, double mib, Samples raptor, Samples reference, double atLeast) {
        double r = mib / seconds(raptor.medianNanos());
        double ref = mib / seconds(reference.medianNanos());
        return new Result(name(), figure + " (median of " + raptor.count() + ")", fmt(r), fmt(ref), Result.ratio(r, ref),
                String.format(Locale.ROOT, ">= %.2fx", atLeast), Result.verdict(r >= atLeast * ref));
    }

    private Result context(String figure, double mib, Samples raptor, Samples reference) {
        double r = mib / seconds(raptor.medianNanos());
        double ref = mib / seconds(reference.medianNanos());
        return Result.context(name(), figure + " (median of " + raptor.count() + ")", fmt(r), fmt(ref), Result.ratio(r, ref));
    }

    /** {@value TREE_FILES} files of base64 text adding up to {@code sizeMiB}, in two directory levels. */
    private static void makeTree(Path work, Path tree, int sizeMiB) throws IOException, InterruptedException {
        long each = Math.max(1, (long) sizeMiB * 1024 * 1024 / TREE_FILES);
        for (int i = 0; i < TREE_FILES; i++) {
            Path f = tree.resolve("region-" + (i % 8)).resolve("chunk-" + i + ".dat");
            Files.createDirectories(f.getParent());
            exec(work, "sh", "-c", "head -c " + each + " /dev/urandom | base64 -w 76 | head -c " + each + " > '" + f + "'");
        }
    }

    private static void same(Path expected, Path actual, String what) throws IOException {
        if (Files.mismatch(expected, actual) != -1) {
            throw new IllegalStateException("the file " + what + " wrote differs from the one sent");
        }
    }

    private static void sameTree(Path expected, Path actual, String what) throws IOException {
        try (Stream<Path> s = Files.walk(expected)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                same(p, actual.resolve(expected.relativize(p).toString()), "the " + what + " extraction");
            }
        }
    }

    private static boolean onPath(String tool) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static void exec(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir.getParent() == null ? dir : dir.getParent(), "exec-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String fmt(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.1f", mibPerSecond);
    }
}
