package dev.raptor.api.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.http.RequestChunks;
import dev.raptor.files.BodyChunks;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.validation.Problems;
import dev.raptor.files.FileEntry;
import dev.raptor.files.FileType;
import dev.raptor.files.NotADirectoryException;
import dev.raptor.files.NotAFileException;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.ReadableFile;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.WriteResult;
import dev.raptor.files.jail.JailPath;
import dev.raptor.wire.files.SignedUrlDocument;
import dev.raptor.wire.files.SignedUrlRequest;
import dev.raptor.wire.files.UploadDocument;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Browser transfers by signed one-shot link: {@code POST /servers/{id}/files/upload-url} and {@code /download-url}
 * (with the API key or a server token holding {@code files.write} / {@code files.read}) sign a link bound to the
 * server, the path and a one-time id ({@link SignedLinks}); {@code POST /files/upload?token=} takes a
 * {@code multipart/form-data} body of one or many files into that directory, streamed to disk, and
 * {@code GET /files/download?token=} streams the file with {@code Content-Disposition}. A replayed or expired link
 * is refused (403 {@code link-refused}).
 */
public final class FileLinkRoutes {
    static final String UPLOAD = "files.upload";
    static final String DOWNLOAD = "files.download";
    public static final String UPLOAD_PATH = "/api/v1/files/upload";
    public static final String DOWNLOAD_PATH = "/api/v1/files/download";

    private final ServerFilesAccess files;
    private final SignedLinks links;
    private final FileActivity activity;
    private final ApiSettings settings;

    public FileLinkRoutes(ServerFilesAccess files, SignedLinks links, FileActivity activity, ApiSettings settings) {
        this.files = files;
        this.links = links;
        this.activity = activity;
        this.settings = settings;
    }

    /** {@code POST /servers/{id}/files/upload-url {"path": DIR}}: the directory need not exist yet. */
    public void uploadUrl(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles f = files.of(id);
        String path = pathOf(ctx);
        checkUpload(f, path);
        signUpload(ctx, id, path);
    }

    /** {@code POST /servers/{id}/files/download-url {"path": FILE}}: the file must exist and be readable. */
    public void downloadUrl(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles f = files.of(id);
        String path = pathOf(ctx);
        checkDownload(f, path);
        signDownload(ctx, id, path);
    }

    /** Refuses an upload link into {@code path} when it is something else than a directory (or missing: made by the upload). */
    public static void checkUpload(ServerFiles f, String path) throws IOException {
        try {
            FileEntry e = f.stat(path);
            if (e.type() != FileType.DIRECTORY && !(e.type() == FileType.SYMLINK && Boolean.TRUE.equals(e.linkInside()))) {
                throw new NotADirectoryException(path, JailPath.of(path) + " is not a directory; an upload goes into a directory");
            }
        } catch (NotFoundException e) {
            // made by the upload
        }
    }

    /** Refuses a download link to {@code path} when it cannot be read now. */
    public static void checkDownload(ServerFiles f, String path) throws IOException {
        try (ReadableFile r = f.openRead(path)) {
            // readable now: the link will most likely work (it checks again when used)
        }
    }

    /** Answers a signed upload link into {@code path} (checked already). */
    public void signUpload(Context ctx, UUID id, String path) throws IOException {
        sign(ctx, id, UPLOAD, UPLOAD_PATH, JailPath.of(path).toString());
    }

    /** Answers a signed download link to {@code path} (checked already). */
    public void signDownload(Context ctx, UUID id, String path) throws IOException {
        sign(ctx, id, DOWNLOAD, DOWNLOAD_PATH, JailPath.of(path).toString());
    }

    private void sign(Context ctx, UUID id, String purpose, String route, String path) {
        SignedLinks.Link link = links.issue(purpose, id, path, settings.files().linkTtl());
        Responses.json(ctx, 201, new SignedUrlDocument(link.url(route), path, link.claims().expiresAt()));
    }

    /** {@code POST /files/upload?token=}: every file of the form into the link's directory. */
    public void upload(Context ctx) throws IOException {
        upload(ctx, redeemUpload(ctx));
    }

    /** An upload by a link already redeemed, into this machine's copy of the server's files. */
    public void upload(Context ctx, SignedLinks.Claims c) throws IOException {
        writeUpload(ctx, files.of(c.serverId()), activity, c.serverId(), c.resource(), "signed link " + c.linkId(),
                settings.files().uploadMaxFileBytes());
    }

    /** The claims of an upload link (used up by this). */
    public SignedLinks.Claims redeemUpload(Context ctx) {
        return links.redeem(Query.text(ctx, "token").orElse(null), UPLOAD);
    }

    /** The claims of a download link (used up by this). */
    public SignedLinks.Claims redeemDownload(Context ctx) {
        return links.redeem(Query.text(ctx, "token").orElse(null), DOWNLOAD);
    }

    /** Writes every file of the request's form into {@code dir} of {@code f}, and answers what was written. */
    public static void writeUpload(Context ctx, ServerFiles f, FileActivity activity, UUID serverId, String dir, String who,
                                   long uploadMaxFileBytes) throws IOException {
        List<WriteResult> written;
        try (BodyChunks body = RequestChunks.of(ctx)) {
            written = MultipartUpload.write(f, dir, ctx.contentType(), body, uploadMaxFileBytes);
        }
        long bytes = written.stream().mapToLong(WriteResult::bytes).sum();
        if (!written.isEmpty()) {
            activity.record(serverId, who, "files.upload", "uploaded " + written.size() + " file"
                            + (written.size() == 1 ? " " + written.getFirst().path() : "s into " + dir) + " (" + bytes + " bytes)",
                    written.getFirst().path(), Map.of("files", Integer.toString(written.size()), "bytes", Long.toString(bytes)));
        }
        Responses.json(ctx, 201, new UploadDocument(written.stream().map(FileDocuments::written).toList()));
    }

    /** {@code GET /files/download?token=}: the link's file, as an attachment. */
    public void download(Context ctx) throws IOException {
        download(ctx, redeemDownload(ctx));
    }

    /** A download by a link already redeemed, from this machine's copy of the server's files. */
    public void download(Context ctx, SignedLinks.Claims c) throws IOException {
        ServerFiles f = files.of(c.serverId());
        try (ReadableFile r = f.openRead(c.resource())) {
            if (r.entry().type() != FileType.FILE) {
                throw new NotAFileException(c.resource(), c.resource() + " is not a regular file");
            }
            FileRoutes.stream(ctx, r, r.entry().name());
        }
    }

    /** The {@code path} of a link request's body, required. */
    public String pathOf(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String path = r.text("path");
        if (path == null && !r.has("path")) {
            r.error("path", "is required");
        }
        r.rejectUnknown(SignedUrlRequest.FIELDS, Set.of());
        problems.throwIfAny();
        return path;
    }
}
