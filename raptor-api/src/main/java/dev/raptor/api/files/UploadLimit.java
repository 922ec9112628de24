package dev.raptor.api.files;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.wire.problem.Problem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upload body cut off at the node's per-file limit ({@code uploadMaxFileBytes}): reading past it ends the
 * request with a 413, and the write it fed is abandoned (nothing of it stays).
 */
final class UploadLimit extends FilterInputStream {
    private final long limit;
    private final String path;
    private long read;

    UploadLimit(InputStream in, long limit, String path) {
        super(in);
        this.limit = limit;
        this.path = path;
    }

    static ProblemException tooLarge(long limit, String path) {
        return new ProblemException(Problem.of(413, "file-too-large", "File too large",
                path + " is larger than the " + limit + " bytes one upload may write on this node").withMaxBytes(limit).withPath(path));
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(long n) {
        read += n;
        if (read > limit) {
            throw tooLarge(limit, path);
        }
    }
}
