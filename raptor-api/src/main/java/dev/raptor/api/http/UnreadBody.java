package dev.raptor.api.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * What is left of a request body the handler did not read before it answered (a JSON body over the limit, an upload
 * the quota refused before its first byte). Most clients write their whole body before they read the answer; if the
 * daemon answers and closes with bytes of it unread, the kernel resets the connection and the client sees a broken
 * connection instead of the problem. So the rest is read and dropped, up to a bound, before the answer; past the
 * bound the answer goes out on a connection that closes (a client that sent {@code Expect: 100-continue}, as curl
 * does for big bodies, gets it before sending anything).
 */
public final class UnreadBody {
    /** An error answer reads at most this much of a body left unread before it is sent. */
    public static final long ERROR_DRAIN_BYTES = 16L << 20;

    private UnreadBody() {
    }

    /**
     * Reads and drops what is left of the body, at most {@code maxBytes}; when more is declared or left, the answer
     * closes the connection instead. Does nothing for a request without a body or one whose connection closes anyway.
     */
    public static void discard(Context ctx, long maxBytes) {
        if ("close".equalsIgnoreCase(ctx.res().getHeader("Connection"))) {
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        boolean chunked = ctx.req().getHeader("Transfer-Encoding") != null;
        if (declared == 0 || (declared < 0 && !chunked)) {
            return;
        }
        if (declared > maxBytes) {
            ctx.header("Connection", "close");
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] sink = new byte[64 * 1024];
            long read = 0;
            for (int n; (n = in.read(sink)) >= 0; ) {
                read += n;
                if (read > maxBytes) {
                    ctx.header("Connection", "close");
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            ctx.header("Connection", "close"); // the body is broken: nothing more to read on this connection
        }
    }
}
