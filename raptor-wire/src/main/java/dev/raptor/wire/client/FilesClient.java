package dev.raptor.wire.client;

import dev.raptor.wire.files.ChmodRequest;
import dev.raptor.wire.files.CompressRequest;
import dev.raptor.wire.files.CopyDocument;
import dev.raptor.wire.files.CopyRequest;
import dev.raptor.wire.files.DecompressRequest;
import dev.raptor.wire.files.DeleteRequest;
import dev.raptor.wire.files.DirectoryDocument;
import dev.raptor.wire.files.DirectoryRequest;
import dev.raptor.wire.files.FileListDocument;
import dev.raptor.wire.files.ModeChangeDocument;
import dev.raptor.wire.files.MoveDocument;
import dev.raptor.wire.files.PullRequest;
import dev.raptor.wire.files.RenameRequest;
import dev.raptor.wire.files.SearchDocument;
import dev.raptor.wire.files.SignedUrlDocument;
import dev.raptor.wire.files.SignedUrlRequest;
import dev.raptor.wire.files.WriteDocument;
import dev.raptor.wire.operation.OperationDocument;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One server's files ({@code /servers/{id}/files...}): list, read and write (streamed, any size), directories,
 * rename, copy, delete, chmod, search, archives and pulls, and the one-shot URLs for browsers. Every path is a path
 * inside the server's root ({@code /plugins/a.jar}); the daemon refuses one that would leave it with a 403 problem.
 * Compress, decompress, pull and delete are operations: by default the daemon answers once they have finished; with
 * {@code wait: false}, or when its wait runs out, the operation is answered {@code pending} and
 * {@link OperationsClient#await} follows it (its {@code progress} counts bytes). Made by {@link ServerClient#files()}.
 */
public final class FilesClient {
    private final RaptorClient client;
    /** {@code /servers/{id}/files}. */
    private final String path;

    FilesClient(RaptorClient client, String serverPath) {
        this.client = client;
        this.path = serverPath + "/files";
    }

    /** {@code GET /files?path=DIR}: the directory's entries, directories first. */
    public FileListDocument list(String dir) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "?path=" + q(dir)), FileListDocument.class, null);
    }

    /**
     * {@code GET /files/content?path=F}: the file's bytes as they stream, with its length when the daemon sent one.
     * The caller closes the stream (which ends the exchange); reading has no deadline but the connection's idle one.
     */
    public Download read(String file) {
        DaemonHttp http = client.http();
        Request r = http.request(HttpMethod.GET, path + "/content?path=" + q(file))
                .headers(h -> h.put(HttpHeader.ACCEPT, "*/*"));
        DaemonHttp.Opened o = http.open(r);
        return new Download(o.body(), o.head().getHeaders().getLongField(HttpHeader.CONTENT_LENGTH));
    }

    /**
     * A file's bytes as they arrive.
     *
     * @param length bytes in all, -1 when the daemon did not say
     */
    public record Download(InputStream body, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /**
     * {@code PUT /files/content?path=F}: {@code body} becomes the file, atomically (the old content stays until all
     * of it has arrived). With its {@code length} known (not -1) the daemon refuses a file over the quota before a byte
     * is written; else it is sent chunked. {@code sent} (may be null) is told the bytes sent so far as they go.
     * No deadline but the connection's idle one: a big file takes as long as it takes.
     */
    public WriteDocument write(String file, InputStream body, long length, LongConsumer sent) {
        DaemonHttp http = client.http();
        InputStream counted = sent == null ? body : new Counting(body, sent);
        Request r = http.request(HttpMethod.PUT, path + "/content?path=" + q(file))
                .body(new InputStreamRequestContent("application/octet-stream", counted) {
                    @Override
                    public long getLength() {
                        return length;
                    }
                });
        return http.transfer(r, WriteDocument.class);
    }

    /** {@code POST /files/directory}: makes the directory and its parents; {@code created} false when it was there. */
    public DirectoryDocument mkdir(String dir) {
        return post("/directory", new DirectoryRequest(dir), DirectoryDocument.class, false);
    }

    /** {@code POST /files/rename}: all moves or none; the answer has the paths normalised. */
    public RenameRequest rename(List<MoveDocument> moves) {
        return post("/rename", new RenameRequest(moves), RenameRequest.class, false);
    }

    /** {@code POST /files/copy}: {@code to} null copies beside the source as {@code name copy.ext}. */
    public CopyDocument copy(String from, String to) {
        return post("/copy", new CopyRequest(from, to), CopyDocument.class, true);
    }

    /** {@code POST /files/chmod}: never through a link; all checked first. */
    public ChmodRequest chmod(List<ModeChangeDocument> changes) {
        return post("/chmod", new ChmodRequest(changes), ChmodRequest.class, false);
    }

    /** {@code GET /files/search?q=NAME&path=DIR}: entries whose name holds {@code query} (or matches it as a glob). */
    public SearchDocument search(String dir, String query) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/search?q=" + q(query) + "&path=" + q(dir)), SearchDocument.class, null);
    }

    /** {@code POST /files/delete}: paths with everything inside them, links removed and never followed. An operation. */
    public OperationDocument delete(DeleteRequest request) {
        return post("/delete", request, OperationDocument.class, true);
    }

    /** {@code POST /files/compress}: an archive of the paths (zip, tar.gz or tar.zst). An operation. */
    public OperationDocument compress(CompressRequest request) {
        return post("/compress", request, OperationDocument.class, true);
    }

    /** {@code POST /files/decompress}: the archive's format is read from its content. An operation. */
    public OperationDocument decompress(DecompressRequest request) {
        return post("/decompress", request, OperationDocument.class, true);
    }

    /** {@code POST /files/pull}: the daemon downloads a URL into the server (public addresses only, by default). An operation. */
    public OperationDocument pull(PullRequest request) {
        return post("/pull", request, OperationDocument.class, true);
    }

    /** {@code POST /files/upload-url}: a one-shot URL a browser posts files to, into {@code dir}. */
    public SignedUrlDocument uploadUrl(String dir) {
        return post("/upload-url", new SignedUrlRequest(dir), SignedUrlDocument.class, false);
    }

    /** {@code POST /files/download-url}: a one-shot URL a browser downloads {@code file} from. */
    public SignedUrlDocument downloadUrl(String file) {
        return post("/download-url", new SignedUrlRequest(file), SignedUrlDocument.class, false);
    }

    /** A JSON POST; {@code long} ones (operations, a copy) may take up to the client's operation timeout. */
    private <T> T post(String route, Object body, Class<T> type, boolean longWork) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + route, body, "application/json"), type,
                longWork ? client.settings().operationTimeout() : null);
    }

    private static String q(String s) {
        return DaemonHttp.segment(s == null ? "/" : s);
    }

    /** Tells how many bytes were read so far. */
    private static final class Counting extends FilterInputStream {
        private final LongConsumer sent;
        private long count;

        Counting(InputStream in, LongConsumer sent) {
            super(in);
            this.sent = sent;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                sent.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                sent.accept(count);
            }
            return n;
        }
    }
}
