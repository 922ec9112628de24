package dev.raptor.api.http;

import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Compressor;
import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JSON answer that a client polls (a panel's {@code GET /servers}, back to back), written with its exact length and,
 * when the client accepts gzip, compressed once per change of its bytes instead of once per request.
 *
 * <p>Why: {@code RaptorClient} (and most panels' HTTP clients) send {@code Accept-Encoding: gzip}, so Javalin deflated
 * the whole list on every poll: for 100 servers (80 KB of JSON, 4.5 KB compressed) that tripled the daemon's CPU per
 * request (0.16–0.19 against 0.53–0.62 CPU-s per 1,000 polls, measured with {@code /proc}). A poll that finds the
 * bytes of the previous answer (an idle fleet: always; a storm: most polls) now sends the kept compressed bytes after
 * one array comparison. The choice of encoding is Javalin's own ({@link CompressionStrategy#findMatchingCompressor},
 * its minimum size, its gzip level), so the bytes on the wire decode to what they were; an answer that names its
 * {@code Content-Encoding} is left alone by Javalin. Both ways the answer carries a {@code Content-Length} (it was
 * chunked), so Jetty writes headers and body without chunk framing.
 *
 * <p>One answer is kept (the last compressed one): its pieces (the kept documents themselves, no copy) and its
 * compressed bytes; a client with other filters just replaces it. An answer made of the same pieces instance as the
 * kept one (an unchanged list: {@code EncodedServers} gives its pieces again) is known to be it without a comparison;
 * any other is compared byte by byte. The kept arrays are never written to after being kept.
 */
public final class PolledAnswer {
    /** The same strategy the API's Javalin is configured with ({@code ApiServer}): one decision for both paths. */
    public static final CompressionStrategy COMPRESSION = CompressionStrategy.GZIP;

    private record Kept(JsonPieces json, byte[] compressed, String encoding) {
    }

    private final AtomicReference<Kept> last = new AtomicReference<>();

    /** An answer's bytes and their {@code Content-Encoding} (null: the JSON as it is). */
    public record Body(byte[] bytes, String encoding) {
    }

    /**
     * The bytes to send for {@code json} to a client that sent {@code acceptEncoding} (null: none): compressed when the
     * client asks for it and the body is large enough, Javalin's decision ({@link #COMPRESSION}); the kept bytes when
     * {@code json} is the kept answer's. The one decision of both ways a poll is answered ({@link #send}, and the
     * answer written below Javalin, {@code PolledListInPlace}).
     */
    public Body body(JsonPieces json, String acceptEncoding) {
        Compressor compressor = json.length() < COMPRESSION.getDefaultMinSizeForCompression() ? null
                : COMPRESSION.findMatchingCompressor(acceptEncoding == null ? "" : acceptEncoding);
        return compressor == null ? new Body(json.toArray(), null) : new Body(compressed(json, compressor), compressor.encoding());
    }

    /**
     * Answers {@code status} with {@code json}, compressed when the client asks for it and the body is large enough,
     * and writes it here, with its length: Javalin's way ({@code ctx.result}) copies the body once more through a
     * stream buffer, 80 KB a poll for 100 servers. A compressed poll of an unchanged list never makes the JSON's
     * array at all: its pieces are compared with the kept answer's bytes.
     */
    public void send(Context ctx, int status, JsonPieces json) {
        ctx.status(status).contentType(Responses.JSON);
        Body body = body(json, ctx.header("Accept-Encoding"));
        if (body.encoding() != null) {
            ctx.header("Content-Encoding", body.encoding());
        }
        ctx.res().setContentLength(body.bytes().length);
        PollStamps.ready(ctx.req());
        try {
            // one write of an array larger than Jetty's aggregation buffer goes to the socket without a copy
            ctx.res().getOutputStream().write(body.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the client went away mid-answer: Javalin logs and ends the exchange
        }
    }

    /**
     * The kept compressed bytes when {@code json} is the kept answer's, else {@code json} compressed (and kept): piece by
     * piece, not copied into one array first (a changed list of 100 servers was an 80 KB copy).
     */
    byte[] compressed(JsonPieces json, Compressor compressor) {
        Kept k = last.get();
        if (k != null && k.encoding().equals(compressor.encoding()) && json.sameAs(k.json())) {
            return k.compressed();
        }
        // sized as the last answer's (a changed list compresses to about as much), so the buffer rarely grows
        ByteArrayOutputStream out = new ByteArrayOutputStream(k != null ? k.compressed().length + 256 : Math.max(64, json.length() / 8));
        try (OutputStream z = compressor.compress(out)) {
            json.writeTo(z);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        byte[] body = out.toByteArray();
        last.set(new Kept(json, body, compressor.encoding()));
        return body;
    }
}
