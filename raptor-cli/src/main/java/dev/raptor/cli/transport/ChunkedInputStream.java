package dev.raptor.cli.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an HTTP/1.1 chunked body ({@code size CRLF data CRLF ... 0 CRLF trailers CRLF}). Reads
 * return as soon as one chunk's bytes are there, so a followed log streams line by line.
 */
final class ChunkedInputStream extends InputStream {
    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private long remaining;       // bytes left in the current chunk
    private boolean finished;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (finished) {
            return -1;
        }
        if (remaining == 0) {
            remaining = nextChunkSize();
            if (remaining == 0) {
                skipTrailers();
                finished = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the daemon closed the connection in the middle of a chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            expectCrlf();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return finished ? 0 : (int) Math.min(remaining, in.available());
    }

    private long nextChunkSize() throws IOException {
        String line = Http1.readLine(in, MAX_LINE);
        if (line == null) {
            throw new EOFException("the daemon closed the connection before the last chunk");
        }
        int semi = line.indexOf(';');   // chunk extensions are ignored
        String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size '" + line + "' in the daemon's answer");
        }
    }

    private void expectCrlf() throws IOException {
        String line = Http1.readLine(in, MAX_LINE);
        if (line == null || !line.isEmpty()) {
            throw new IOException("a chunk of the daemon's answer is not followed by CRLF");
        }
    }

    private void skipTrailers() throws IOException {
        String line;
        do {
            line = Http1.readLine(in, MAX_LINE);
        } while (line != null && !line.isEmpty());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
