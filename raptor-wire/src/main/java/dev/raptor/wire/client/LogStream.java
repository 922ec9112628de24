package dev.raptor.wire.client;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A followed log ({@link ServerClient#followLogs}): lines of the server's output as it prints them.
 * {@link #readLine()} blocks until the next line comes and answers null when the stream ends (the server
 * was deleted, the daemon stopped). {@link #close()} ends the exchange, from any thread; a reader blocked
 * in {@code readLine} then gets an {@link IOException} or the end.
 */
public final class LogStream implements Closeable {
    private final InputStream body;
    private final BufferedReader reader;

    LogStream(InputStream body) {
        this.body = body;
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next line, without its line break; null at the end of the stream. */
    public String readLine() throws IOException {
        return reader.readLine();
    }

    /** The body as it comes, for a caller that copies bytes rather than lines. */
    public InputStream inputStream() {
        return body;
    }

    @Override
    public void close() {
        try {
            body.close(); // aborts the exchange and wakes a blocked reader
        } catch (IOException ignored) {
            // the stream is ending either way
        }
    }
}
