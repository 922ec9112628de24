package dev.raptor.api.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.HttpInput;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

/**
 * A request's body as a blocking channel, for handlers that stream it somewhere (an upload into a file). On Jetty
 * the bytes go from the connection's buffer straight into the caller's buffer ({@link HttpInput#read(ByteBuffer)}):
 * a direct buffer there makes the body cross memory once on its way to a file, where reading the servlet stream
 * into a {@code byte[]} costs two more copies (one into the array, one by the JDK back out into native memory).
 * Closing the channel leaves the request alone.
 */
public final class BodyChannel implements ReadableByteChannel {
    private final HttpInput input;
    private final ReadableByteChannel fallback;
    private boolean open = true;

    private BodyChannel(HttpInput input, ReadableByteChannel fallback) {
        this.input = input;
        this.fallback = fallback;
    }

    /** The body of {@code ctx}'s request. */
    public static BodyChannel of(Context ctx) throws IOException {
        InputStream in = ctx.req().getInputStream();
        return in instanceof HttpInput jetty ? new BodyChannel(jetty, null) : new BodyChannel(null, Channels.newChannel(in));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        return input != null ? input.read(dst) : fallback.read(dst);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
