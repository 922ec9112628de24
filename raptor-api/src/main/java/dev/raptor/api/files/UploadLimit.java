package dev.raptor.api.files;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.files.BodyChunks;
import dev.raptor.wire.problem.Problem;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An upload body cut off at the node's per-file limit ({@code uploadMaxFileBytes}): reading past it ends the
 * request with a 413, and the write it fed is abandoned (nothing of it stays).
 */
public final class UploadLimit implements BodyChunks {
    private final BodyChunks in;
    private final long limit;
    private final String path;
    private long read;

    UploadLimit(BodyChunks in, long limit, String path) {
        this.in = in;
        this.limit = limit;
        this.path = path;
    }

    /** The 413 for an upload of {@code path} past {@code limit} bytes. */
    public static ProblemException tooLarge(long limit, String path) {
        return new ProblemException(Problem.of(413, "file-too-large", "File too large",
                path + " is larger than the " + limit + " bytes one upload may write on this node").withMaxBytes(limit).withPath(path));
    }

    @Override
    public ByteBuffer next() throws IOException {
        ByteBuffer b = in.next();
        if (b != null) {
            read += b.remaining();
            if (read > limit) {
                throw tooLarge(limit, path);
            }
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
