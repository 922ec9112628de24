package dev.raptor.api.http;

import dev.raptor.files.BodyChunks;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.concurrent.CountDownLatch;

/**
 * A request's body as the chunks Jetty read it into, for handlers that stream it somewhere (an upload into a file).
 * Each chunk is a slice of the connection's own (direct) input buffer, lent to the caller until the next one is asked
 * for: the body crosses memory once on its way from the socket to a file ({@code read(2)} into Jetty's buffer, then
 * {@code write(2)} from it), where the servlet stream copied it once more into the reader's buffer (and a
 * {@code byte[]} reader twice). The chunks are read from the core request the servlet input reads from too, so
 * Jetty's limits, idle timeout and end-of-body checks apply unchanged; the servlet input is never touched here.
 * Off Jetty (never in the daemon) the servlet stream is read into a transfer buffer instead.
 */
public final class RequestChunks implements BodyChunks {
    private final Request request;
    private Content.Chunk lent;
    private boolean ended;

    private RequestChunks(Request request) {
        this.request = request;
    }

    /** The body of {@code ctx}'s request. */
    public static BodyChunks of(Context ctx) throws IOException {
        Request core;
        try {
            core = ServletContextRequest.getServletContextRequest(ctx.req());
        } catch (IllegalStateException notJetty) {
            return BodyChunks.of(Channels.newChannel(ctx.req().getInputStream()));
        }
        return new RequestChunks(core);
    }

    @Override
    public ByteBuffer next() throws IOException {
        giveBack();
        while (!ended) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                awaitDemand();
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // the end of this upload, transient (an idle timeout) or not: as the servlet stream, which throws
                // it to the read that meets it; a stalled client must not hold the thread for ever
                Throwable failure = chunk.getFailure();
                chunk.release();
                ended = true;
                throw failure instanceof IOException io ? io : new IOException("the request body failed: " + failure, failure);
            }
            ended = chunk.isLast();
            if (chunk.hasRemaining()) {
                lent = chunk;
                return chunk.getByteBuffer();
            }
            chunk.release();
        }
        return null;
    }

    /** Blocks until Jetty has more of the body (or its end, or a failure: the idle timeout ends every wait). */
    private void awaitDemand() throws IOException {
        CountDownLatch more = new CountDownLatch(1);
        request.demand(more::countDown);
        try {
            more.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the request body");
        }
    }

    private void giveBack() {
        Content.Chunk c = lent;
        lent = null;
        if (c != null) {
            c.release();
        }
    }

    @Override
    public void close() {
        giveBack();
    }
}
