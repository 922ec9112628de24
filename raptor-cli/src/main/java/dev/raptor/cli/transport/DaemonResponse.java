package dev.raptor.cli.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A response whose body is still on the wire: {@link #body()} streams it (followed logs never end),
 * {@link #bodyText()} reads it whole. Closing it closes the connection.
 *
 * @param status  HTTP status code
 * @param headers header names in lower case, each with its values in order
 */
public record DaemonResponse(int status, Map<String, List<String>> headers, InputStream body, Closeable connection)
        implements Closeable {

    public DaemonResponse {
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public String contentType() {
        return header("content-type").orElse("").toLowerCase(Locale.ROOT);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The whole body as UTF-8 text; closes the response. */
    public String bodyText() {
        try (this) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the daemon's answer failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            body.close();
        } finally {
            connection.close();
        }
    }
}
