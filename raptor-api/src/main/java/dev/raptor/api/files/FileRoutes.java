package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.RequestChunks;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.validation.Problems;
import dev.raptor.files.ArchiveResult;
import dev.raptor.files.BodyChunks;
import dev.raptor.files.CopyResult;
import dev.raptor.files.DeleteResult;
import dev.raptor.files.ExtractResult;
import dev.raptor.files.ModeChange;
import dev.raptor.files.Move;
import dev.raptor.files.Progress;
import dev.raptor.files.ReadableFile;
import dev.raptor.files.SearchResult;
import dev.raptor.files.TransferBuffers;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.WriteResult;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.jail.JailPath;
import dev.raptor.wire.files.ChmodRequest;
import dev.raptor.wire.files.CompressRequest;
import dev.raptor.wire.files.CopyRequest;
import dev.raptor.wire.files.DecompressRequest;
import dev.raptor.wire.files.DeleteRequest;
import dev.raptor.wire.files.DirectoryDocument;
import dev.raptor.wire.files.DirectoryRequest;
import dev.raptor.wire.files.ModeChangeDocument;
import dev.raptor.wire.files.MoveDocument;
import dev.raptor.wire.files.PullRequest;
import dev.raptor.wire.files.RenameRequest;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The file manager's routes under {@code /servers/{id}/files}: each parses, makes one call on the server's
 * {@link ServerFiles} (long ones through {@link FileOperations}), writes the activity entry and answers a record of
 * {@code raptor-wire}. Every refusal of the jail is a {@code FilesException}, which the API answers as the problem
 * {@link FileProblems} gives it.
 */
public final class FileRoutes {
    /** The most of a file one socket write of a download is handed at once (mapped, so no memory of ours). */
    static final long MAPPED_SLICE = 16L * 1024 * 1024;
    /** Downloads of at least this many bytes are sent from the mapped file; smaller ones through a buffer. */
    static final long MAPPED_AT_LEAST = 1024 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss").withZone(ZoneOffset.UTC);
    /** At most this many paths in one delete, rename or chmod. */
    static final int MAX_PATHS = 10_000;

    private final ServerFilesAccess files;
    private final Operations operations;
    private final FileOperations work;
    private final FileActivity activity;
    private final ApiSettings settings;
    private final RemoteFetch pulls;

    public FileRoutes(ServerFilesAccess files, Operations operations, FileOperations work, FileActivity activity,
                      ApiSettings settings, RemoteFetch pulls) {
        this.files = files;
        this.operations = operations;
        this.work = work;
        this.activity = activity;
        this.settings = settings;
        this.pulls = pulls;
    }

    // ------------------------------------------------------------------ reading

    /** {@code GET /files?path=DIR}: the directory's entries (default {@code /}). */
    public void list(Context ctx) throws IOException {
        ServerFiles files = this.files.of(Query.serverId(ctx));
        String path = Query.text(ctx, "path").orElse("/");
        Responses.json(ctx, 200, FileDocuments.listing(files.list(path)));
    }

    /**
     * {@code GET /files/content?path=F}: the file's bytes, streamed; one {@code Range} ({@code bytes=a-b},
     * {@code bytes=a-}, {@code bytes=-n}) answers 206, one past the end 416.
     */
    public void read(Context ctx) throws IOException {
        ServerFiles files = this.files.of(Query.serverId(ctx));
        String path = requiredPath(ctx);
        try (ReadableFile f = files.openRead(path)) {
            stream(ctx, f, null);
        }
    }

    /**
     * Streams {@code f}: whole (200) or one range (206); a {@code Content-Disposition} naming it when
     * {@code attachment} is given.
     */
    static void stream(Context ctx, ReadableFile f, String attachment) throws IOException {
        long size = f.size();
        ByteRange range = ByteRange.parse(ctx.header("Range"), size);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("X-Mime-Type", f.entry().mime());
        if (f.entry().modified() != null) {
            ctx.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(f.entry().modified().atZone(ZoneOffset.UTC)));
        }
        if (attachment != null) {
            ctx.header("Content-Disposition", ContentDisposition.attachment(attachment));
        }
        if (range != null && range.unsatisfiable()) {
            ctx.header("Content-Range", "bytes */" + size);
            throw new ProblemException(dev.raptor.wire.problem.Problem.of(416, "range-not-satisfiable", "Range not satisfiable",
                    "the file has " + size + " bytes; the range '" + ctx.header("Range") + "' starts past its end"));
        }
        long offset = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        ctx.status(range == null ? 200 : 206);
        if (range != null) {
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        ctx.res().setCharacterEncoding(null);
        ctx.res().setHeader("Content-Type", "application/octet-stream"); // bytes: no charset
        ctx.res().setContentLengthLong(length);
        OutputStream out = ctx.res().getOutputStream();
        if (out instanceof HttpOutput jetty && length >= MAPPED_AT_LEAST) {
            sendMapped(jetty, f.channel(), offset, length);
            return;
        }
        // a small body: read through a pooled direct buffer, which Jetty writes from as it is (mapping and unmapping
        // a file costs more than the copy it saves below a MiB); off Jetty (never in the daemon) through an array
        ByteBuffer buf = TransferBuffers.acquire();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = f.channel().read(buf, pos);
            if (n < 0) {
                break; // shortened since it was opened: the client sees a short body
            }
            buf.flip();
            write(out, buf);
            pos += n;
        }
        out.flush();
        TransferBuffers.release(buf); // not after a failed write: the connection may still hold it
    }

    /**
     * Sends {@code length} bytes of {@code file} from {@code offset}, a mapped slice of at most {@value #MAPPED_SLICE}
     * bytes at a time handed to Jetty as it is: the socket's {@code write(2)} copies straight from the page cache, where
     * reading into a buffer first crossed memory once more (and a {@code byte[]} twice). The file is the inode the jail
     * opened, whatever its name points to now. Each slice is unmapped as soon as Jetty has written it (its own arena,
     * not left to the collector); a file shortened since it was opened ends the body short, as a read would (the
     * client sees fewer bytes than announced), and one shortened under a mapped slice fails that write
     * ({@code EFAULT}), never the process.
     */
    private static void sendMapped(HttpOutput out, FileChannel file, long offset, long length) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long n = Math.min(Math.min(MAPPED_SLICE, end - pos), file.size() - pos);
            if (n <= 0) {
                break; // shortened since it was opened: the client sees a short body
            }
            Arena arena = Arena.ofShared();
            boolean sent = false;
            try {
                out.write(file.map(FileChannel.MapMode.READ_ONLY, pos, n, arena).asByteBuffer());
                sent = true;
            } finally {
                unmap(arena, sent);
            }
            pos += n;
        }
        out.flush();
    }

    /**
     * Unmaps a sent slice. After a failed write Jetty may, in theory, still be about to touch it: closing then either
     * fails (the JDK holds the segment during a socket write), and the slice stays mapped until the process ends, or
     * makes that late write fail cleanly (a closed segment is never read); neither reads unmapped memory.
     */
    private static void unmap(Arena arena, boolean sent) {
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            if (sent) {
                throw inUse;
            }
        }
    }

    /** Writes all of {@code buf} (blocking): from the buffer itself on Jetty, through an array elsewhere. */
    private static void write(OutputStream out, ByteBuffer buf) throws IOException {
        if (out instanceof HttpOutput jetty) {
            jetty.write(buf);
            return;
        }
        byte[] copy = new byte[buf.remaining()];
        buf.get(copy);
        out.write(copy);
    }

    /** {@code GET /files/search?q=NAME&path=DIR&depth=8&limit=1000}. */
    public void search(Context ctx) throws IOException {
        ServerFiles f = files.of(Query.serverId(ctx));
        String q = Query.text(ctx, "q").orElseThrow(() -> ProblemException.invalidParameter("q", "is required: the name to look for"));
        String dir = Query.text(ctx, "path").orElse("/");
        int depth = Query.integer(ctx, "depth", 8, 1, 64);
        int limit = Query.integer(ctx, "limit", 1000, 1, 10_000);
        SearchResult r = work.call(() -> f.search(dir, q, depth, limit, Progress.none()));
        Responses.json(ctx, 200, FileDocuments.search(JailPath.of(dir).toString(), q, r));
    }

    // ------------------------------------------------------------------ writing

    /**
     * {@code PUT /files/content?path=F}: the body becomes the file, atomically (a temporary file renamed over it at
     * the end); {@code Content-Length} or chunked. A body the quota cannot take is refused before a byte is written
     * (when its length is declared) or when it crosses the limit (nothing of it is left).
     */
    public void write(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id);
        String path = requiredPath(ctx);
        long declared = ctx.req().getContentLengthLong();
        long limit = settings.files().uploadMaxFileBytes();
        if (limit > 0 && declared > limit) {
            throw UploadLimit.tooLarge(limit, path);
        }
        WriteResult w;
        try (BodyChunks body = limit > 0 ? new UploadLimit(RequestChunks.of(ctx), limit, path) : RequestChunks.of(ctx)) {
            w = files.write(path, body, declared, Progress.none());
        }
        activity.record(id, FileActivity.who(ctx), "files.write", "wrote " + w.path() + " (" + w.bytes() + " bytes)", w.path(),
                Map.of("bytes", Long.toString(w.bytes())));
        Responses.json(ctx, w.created() ? 201 : 200, FileDocuments.written(w));
    }

    /** {@code POST /files/directory {"path"}}: 201 when made, 200 when it was there. */
    public void directory(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        String path = requiredText(r, "path");
        r.rejectUnknown(DirectoryRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        boolean made = files.mkdirs(path);
        String normal = JailPath.of(path).toString();
        if (made) {
            activity.record(id, FileActivity.who(ctx), "files.mkdir", "created the directory " + normal, normal, Map.of());
        }
        Responses.json(ctx, made ? 201 : 200, new DirectoryDocument(normal, made));
    }

    /** {@code POST /files/rename {"moves": [{"from", "to"}]}}: all or none. */
    public void rename(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        List<Move> moves = new ArrayList<>();
        List<JsonNode> nodes = requiredArray(r, "moves");
        for (int i = 0; nodes != null && i < nodes.size(); i++) {
            JsonObjectReader m = r.element("moves", i, nodes.get(i));
            String from = requiredText(m, "from");
            String to = requiredText(m, "to");
            m.rejectUnknown(MoveDocument.FIELDS, Set.of());
            moves.add(new Move(from, to));
        }
        r.rejectUnknown(RenameRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        List<Move> done = files.move(moves);
        List<MoveDocument> out = done.stream().map(m -> new MoveDocument(m.from(), m.to())).toList();
        if (!done.isEmpty()) {
            activity.record(id, FileActivity.who(ctx), "files.rename", done.size() == 1
                            ? "moved " + done.getFirst().from() + " to " + done.getFirst().to()
                            : "moved " + done.size() + " paths, " + done.getFirst().from() + " to " + done.getFirst().to() + " first",
                    done.getFirst().from(), Map.of("to", done.getFirst().to(), "count", Integer.toString(done.size())));
        }
        Responses.json(ctx, 200, new RenameRequest(out));
    }

    /** {@code POST /files/copy {"path", "to"?}}: the copy appears whole or not at all. */
    public void copy(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        String path = requiredText(r, "path");
        String to = r.text("to");
        r.rejectUnknown(CopyRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        ServerFiles f = files;
        CopyResult c = work.call(() -> f.copy(path, to, Progress.none()));
        activity.record(id, FileActivity.who(ctx), "files.copy", "copied " + c.from() + " to " + c.to() + " (" + c.bytes() + " bytes)",
                c.from(), Map.of("to", c.to(), "bytes", Long.toString(c.bytes()), "files", Long.toString(c.files())));
        Responses.json(ctx, 201, FileDocuments.copied(c));
    }

    /** {@code POST /files/chmod {"changes": [{"path", "mode"}]}}: never through a link; all checked first. */
    public void chmod(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        List<ModeChange> changes = new ArrayList<>();
        List<JsonNode> nodes = requiredArray(r, "changes");
        for (int i = 0; nodes != null && i < nodes.size(); i++) {
            JsonObjectReader c = r.element("changes", i, nodes.get(i));
            String path = requiredText(c, "path");
            String mode = requiredText(c, "mode");
            c.rejectUnknown(ModeChangeDocument.FIELDS, Set.of());
            if (path != null && mode != null) {
                try {
                    changes.add(ModeChange.parse(path, mode));
                } catch (IllegalArgumentException e) {
                    c.error("mode", e.getMessage());
                }
            }
        }
        r.rejectUnknown(ChmodRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        List<ModeChange> done = files.chmod(changes);
        List<ModeChangeDocument> out = done.stream().map(c -> new ModeChangeDocument(c.path(), c.octalMode())).toList();
        if (!done.isEmpty()) {
            activity.record(id, FileActivity.who(ctx), "files.chmod", "changed the mode of " + done.getFirst().path() + " to "
                            + done.getFirst().octalMode() + (done.size() > 1 ? " and " + (done.size() - 1) + " more" : ""),
                    done.getFirst().path(), Map.of("mode", done.getFirst().octalMode(), "count", Integer.toString(done.size())));
        }
        Responses.json(ctx, 200, new ChmodRequest(out));
    }

    // ------------------------------------------------------------------ long operations

    /** {@code POST /files/delete {"paths": [...]}}: an operation (a big tree takes long). */
    public void delete(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        List<String> paths = textList(r, "paths");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(DeleteRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        ServerFiles f = files;
        String who = FileActivity.who(ctx);
        Operation op = work.start(id, "delete", normalOrRaw(paths.getFirst()), (progress, cancel) -> {
            DeleteResult d = f.delete(paths, progress);
            return new FileOperations.Done("deleted " + String.join(", ", d.deleted()) + " (" + d.files() + " entries, "
                    + d.bytes() + " bytes)", d.deleted().isEmpty() ? null : d.deleted().getFirst(),
                    Map.of("entries", Long.toString(d.files()), "bytes", Long.toString(d.bytes()),
                            "count", Integer.toString(d.deleted().size())));
        }, done -> {
            if (done.path() != null) {
                activity.record(id, who, "files.delete", done.message(), done.path(), done.details());
            }
        });
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /** {@code POST /files/compress {"paths", "destination"?, "format"?}}: an operation. */
    public void compress(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        List<String> paths = textList(r, "paths");
        String destination = r.text("destination");
        ArchiveFormat format = r.choice("format", FileRoutes::writableFormat);
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(CompressRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        ArchiveFormat fmt = format == null ? ArchiveFormat.TAR_GZ : format;
        String dest = destination != null && !destination.isBlank() ? destination : defaultArchive(paths, fmt);
        ServerFiles f = files;
        String who = FileActivity.who(ctx);
        Operation op = work.start(id, "compress", normalOrRaw(dest), (progress, cancel) -> {
            ArchiveResult a = f.compress(paths, dest, fmt, progress);
            return new FileOperations.Done("compressed " + a.files() + " files (" + a.inputBytes() + " bytes) into " + a.path()
                    + " (" + a.archiveBytes() + " bytes)", a.path(), Map.of("format", fmt.extension(),
                    "archiveBytes", Long.toString(a.archiveBytes()), "files", Long.toString(a.files())));
        }, done -> activity.record(id, who, "files.compress", done.message(), done.path(), done.details()));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /** {@code POST /files/decompress {"path", "destination"?}}: an operation. */
    public void decompress(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        String path = requiredText(r, "path");
        String destination = r.text("destination");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(DecompressRequest.FIELDS, Set.of());
        r.problems().throwIfAny();
        String dest = destination != null && !destination.isBlank() ? destination : JailPath.of(path).parent().toString();
        ServerFiles f = files;
        String who = FileActivity.who(ctx);
        Operation op = work.start(id, "decompress", normalOrRaw(dest), (progress, cancel) -> {
            ExtractResult e = f.decompress(path, dest, progress);
            return new FileOperations.Done("extracted " + JailPath.of(path) + " (" + e.format().extension() + ") into "
                    + e.destination() + ": " + e.files() + " files, " + e.bytes() + " bytes", e.destination(),
                    Map.of("archive", JailPath.of(path).toString(), "files", Long.toString(e.files()),
                            "bytes", Long.toString(e.bytes())));
        }, done -> activity.record(id, who, "files.decompress", done.message(), done.path(), done.details()));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /** {@code POST /files/pull {"url", "path"?}}: downloads into the server; an operation, cancellable. */
    public void pull(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = this.files.of(id); // an unknown server is 404 whatever the body
        JsonObjectReader r = body(ctx);
        String url = requiredText(r, "url");
        String path = r.text("path");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(PullRequest.FIELDS, Set.of());
        RemoteFetch.Target target = url == null ? null : pulls.parse(url, r);
        r.problems().throwIfAny();
        String dest = path != null && !path.isBlank() ? path : "/" + target.fileName();
        ServerFiles f = files;
        String who = FileActivity.who(ctx);
        Operation op = work.start(id, "pull", normalOrRaw(dest), (progress, cancel) -> {
            WriteResult w = pulls.fetch(target, f, dest, progress, cancel);
            return new FileOperations.Done("downloaded " + target.uri() + " into " + w.path() + " (" + w.bytes() + " bytes)",
                    w.path(), Map.of("url", target.uri().toString(), "bytes", Long.toString(w.bytes())));
        }, done -> activity.record(id, who, "files.pull", done.message(), done.path(), done.details()));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    // ------------------------------------------------------------------ parsing

    private JsonObjectReader body(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        return JsonObjectReader.of(body, "", new Problems());
    }

    private static String requiredPath(Context ctx) {
        String p = Query.text(ctx, "path").orElse(null);
        if (p == null || p.isEmpty()) {
            throw ProblemException.invalidParameter("path", "is required: the file's path in the server, e.g. /server.properties");
        }
        return p;
    }

    private static String requiredText(JsonObjectReader r, String name) {
        String v = r.text(name);
        if (v == null && !r.has(name)) {
            r.error(name, "is required");
        }
        return v;
    }

    private static List<JsonNode> requiredArray(JsonObjectReader r, String name) {
        List<JsonNode> v = r.array(name);
        if (v == null && !r.has(name)) {
            r.error(name, "is required");
        } else if (v != null && v.isEmpty()) {
            r.error(name, "must name at least one");
        } else if (v != null && v.size() > MAX_PATHS) {
            r.error(name, "may name at most " + MAX_PATHS);
        }
        return v;
    }

    /** A required, non-empty array of strings (every element that is not one named). */
    private static List<String> textList(JsonObjectReader r, String name) {
        List<JsonNode> nodes = requiredArray(r, name);
        List<String> out = new ArrayList<>();
        for (int i = 0; nodes != null && i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            if (n.isTextual()) {
                out.add(n.textValue());
            } else {
                r.problems().add(r.pathOf(name) + "[" + i + "]", "must be a path (a string)");
            }
        }
        return out;
    }

    private static ArchiveFormat writableFormat(String name) {
        ArchiveFormat f = ArchiveFormat.named(name).filter(ArchiveFormat::writable)
                .orElseThrow(() -> new IllegalArgumentException("must be zip, tar, tar.gz or tar.zst (was '" + name + "')"));
        return f;
    }

    /** {@code archive-<time>.<ext>} in the paths' common directory. */
    private static String defaultArchive(List<String> paths, ArchiveFormat format) throws IOException {
        JailPath common = null;
        for (String p : paths) {
            JailPath dir = JailPath.of(p).parent();
            common = common == null ? dir : commonPrefix(common, dir);
        }
        String name = "archive-" + STAMP.format(java.time.Instant.now()) + "." + format.extension();
        return (common == null || common.isRoot() ? "" : common.toString()) + "/" + name;
    }

    private static JailPath commonPrefix(JailPath a, JailPath b) {
        int n = 0;
        while (n < a.parts().size() && n < b.parts().size() && a.parts().get(n).equals(b.parts().get(n))) {
            n++;
        }
        return new JailPath(a.parts().subList(0, n));
    }

    /** A path as the jail will normalise it, or as given when it is invalid (the operation then says why). */
    private static String normalOrRaw(String path) {
        try {
            return JailPath.of(path).toString();
        } catch (IOException | RuntimeException e) {
            return path;
        }
    }
}
