package dev.raptor.api.files;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.files.BodyChunks;
import dev.raptor.files.FilesException;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.WritableFile;
import dev.raptor.files.WriteMode;
import dev.raptor.files.WriteResult;
import dev.raptor.files.jail.JailPath;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A browser upload ({@code multipart/form-data}, one or many files) written straight into a directory of a server:
 * the request body is fed, in the buffers Jetty read it into, to Jetty's multipart parser, whose content goes to the
 * jail's atomic write of each file as it arrives. Nothing is buffered whole (in memory or in a temporary directory
 * outside the server), the quota is charged as each file grows, and a file whose part ends broken is abandoned
 * (its temporary file removed); the files before it stay written. Parts without a file name (plain form fields)
 * are ignored.
 */
final class MultipartUpload {
    private static final int MAX_PARTS = 10_000;

    private final ServerFiles files;
    private final String directory;
    private final long maxFileBytes;
    private final List<WriteResult> written = new ArrayList<>();
    /** The part being written, null between parts (or for a part that is not a file). */
    private WritableFile current;
    private String currentPath;
    private long currentBytes;
    private String disposition;
    /** What went wrong inside a parser callback; thrown once the parser returns. */
    private Exception failure;

    private MultipartUpload(ServerFiles files, String directory, long maxFileBytes) {
        this.files = files;
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * Writes every file of the body into {@code directory}.
     *
     * @param contentType  the request's {@code Content-Type} (its boundary)
     * @param maxFileBytes the largest file one part may write, 0 = no limit
     */
    static List<WriteResult> write(ServerFiles files, String directory, String contentType, BodyChunks body, long maxFileBytes)
            throws IOException {
        String boundary = contentType == null ? null : MultiPart.extractBoundary(contentType);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || boundary == null) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "an upload is multipart/form-data with a boundary (was " + (contentType == null ? "no Content-Type" : "'" + contentType + "'") + ")"));
        }
        MultipartUpload u = new MultipartUpload(files, directory, maxFileBytes);
        u.run(boundary, body);
        return List.copyOf(u.written);
    }

    private void run(String boundary, BodyChunks body) throws IOException {
        Listener listener = new Listener();
        MultiPart.Parser parser = new MultiPart.Parser(boundary, listener);
        parser.setMaxParts(MAX_PARTS);
        // the body's own buffers (Jetty's direct input buffer): each part's content is written to its file from
        // there, as the slices the parser hands out
        try {
            boolean complete = false;
            while (!complete) {
                ByteBuffer buf = body.next();
                Content.Chunk chunk = buf == null ? Content.Chunk.EOF : Content.Chunk.from(buf, false);
                parser.parse(chunk);
                rethrow();
                complete = buf == null || listener.complete;
            }
            if (!listener.complete) {
                throw new ProblemException(Problem.of(400, "malformed-multipart", "Malformed upload",
                        "the multipart body ended before its closing boundary"));
            }
        } finally {
            abandon();
        }
    }

    private void rethrow() throws IOException {
        Exception e = failure;
        if (e == null) {
            return;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) e;
    }

    private void abandon() {
        if (current != null) {
            try {
                current.close(); // a replacing write not committed: its temporary file goes
            } catch (IOException e) {
                // nothing more to undo
            }
            current = null;
        }
    }

    private final class Listener implements MultiPart.Parser.Listener {
        boolean complete;

        @Override
        public void onPartBegin() {
            disposition = null;
        }

        @Override
        public void onPartHeader(String name, String value) {
            if (name.equalsIgnoreCase("Content-Disposition")) {
                disposition = value;
            }
        }

        @Override
        public void onPartHeaders() {
            if (failure != null) {
                return;
            }
            String name = fileName(disposition);
            if (name == null) {
                return; // a plain form field: not a file
            }
            try {
                String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
                currentPath = JailPath.of(directory).child(base).toString();
                current = files.openWrite(currentPath, WriteMode.REPLACE, -1);
                currentBytes = 0;
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            try {
                if (failure == null && current != null) {
                    ByteBuffer b = chunk.getByteBuffer();
                    currentBytes += b.remaining();
                    if (maxFileBytes > 0 && currentBytes > maxFileBytes) {
                        throw UploadLimit.tooLarge(maxFileBytes, currentPath);
                    }
                    while (b.hasRemaining()) {
                        current.write(b);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            // the chunk is a slice of the buffer the parser was given: the parser releases it, and the buffer is
            // given back only once parse() returns, after its content was written here
        }

        @Override
        public void onPartEnd() {
            if (failure != null || current == null) {
                return;
            }
            try {
                written.add(current.commit());
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                current = null;
            }
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable t) {
            if (failure == null) {
                failure = t instanceof FilesException f ? f : new ProblemException(Problem.of(400, "malformed-multipart",
                        "Malformed upload", "the multipart body is malformed: " + t.getMessage()));
            }
        }
    }

    /** The {@code filename} of a {@code Content-Disposition: form-data; name="file"; filename="a.txt"}, or null. */
    static String fileName(String disposition) {
        if (disposition == null) {
            return null;
        }
        String star = parameter(disposition, "filename*");
        if (star != null) {
            int quote = star.indexOf("''");
            if (quote >= 0) {
                try {
                    return java.net.URLDecoder.decode(star.substring(quote + 2), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    // fall back to the plain name
                }
            }
        }
        String plain = parameter(disposition, "filename");
        return plain == null || plain.isEmpty() ? null : plain;
    }

    private static String parameter(String header, String name) {
        int i = 0;
        String lower = header.toLowerCase(Locale.ROOT);
        while ((i = lower.indexOf(name + "=", i)) >= 0) {
            boolean start = i == 0 || header.charAt(i - 1) == ';' || Character.isWhitespace(header.charAt(i - 1));
            int v = i + name.length() + 1;
            if (!start) {
                i = v;
                continue;
            }
            if (v < header.length() && header.charAt(v) == '"') {
                // Browsers write form-data names as the HTML standard says: a quote as %22, a backslash as itself
                // (a Windows path's separators), never a quoted-pair.
                int end = header.indexOf('"', v + 1);
                return header.substring(v + 1, end < 0 ? header.length() : end).replace("%22", "\"");
            }
            int end = header.indexOf(';', v);
            return header.substring(v, end < 0 ? header.length() : end).strip();
        }
        return null;
    }
}
