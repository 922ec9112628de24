package dev.raptor.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * A JSON answer as the pieces it is made of, in order (a list's head, each kept document, the commas, its tail), so
 * that it can be compared with a kept answer and written without first being copied into one array of its own.
 *
 * <p>The pieces are never written to once given here.
 */
public final class JsonPieces {
    private final List<byte[]> pieces;
    private final int length;
    /** The answer in one array, made at the first {@link #toArray} of more than one piece. */
    private volatile byte[] whole;

    private JsonPieces(List<byte[]> pieces) {
        this.pieces = pieces;
        long n = 0;
        for (byte[] p : pieces) {
            n += p.length;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an answer of " + n + " bytes is more than one array holds");
        }
        this.length = (int) n;
    }

    /** The answer made of {@code pieces}, in order; the list is taken as it is and must not change afterwards. */
    public static JsonPieces of(List<byte[]> pieces) {
        return new JsonPieces(pieces);
    }

    /** The answer that is {@code whole}. */
    public static JsonPieces of(byte[] whole) {
        return new JsonPieces(List.of(whole));
    }

    /** The answer's length in bytes. */
    public int length() {
        return length;
    }

    /** Whether {@code whole} holds exactly this answer's bytes. */
    public boolean sameAs(byte[] whole) {
        if (whole.length != length) {
            return false;
        }
        int at = 0;
        for (byte[] p : pieces) {
            if (!Arrays.equals(p, 0, p.length, whole, at, at + p.length)) {
                return false;
            }
            at += p.length;
        }
        return true;
    }

    /** Whether {@code other} holds exactly this answer's bytes (however it is cut into pieces). */
    public boolean sameAs(JsonPieces other) {
        if (other == this) {
            return true;
        }
        if (other.length != length) {
            return false;
        }
        int i = 0; // this answer's piece, and where in it
        int at = 0;
        for (byte[] p : other.pieces) {
            int from = 0;
            while (from < p.length) {
                byte[] mine = pieces.get(i);
                int n = Math.min(mine.length - at, p.length - from);
                if (!Arrays.equals(mine, at, at + n, p, from, from + n)) {
                    return false;
                }
                from += n;
                at += n;
                if (at == mine.length) {
                    i++;
                    at = 0;
                }
            }
        }
        return true;
    }

    /** Writes the answer's bytes to {@code out}, piece by piece (no copy into one array). */
    public void writeTo(OutputStream out) throws IOException {
        for (byte[] p : pieces) {
            out.write(p);
        }
    }

    /**
     * The answer in one array of its exact length (the piece itself when there is one); made once, kept with the
     * pieces, and never written to.
     */
    public byte[] toArray() {
        if (pieces.size() == 1) {
            return pieces.getFirst();
        }
        byte[] out = whole;
        if (out != null) {
            return out;
        }
        out = new byte[length];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        whole = out;
        return out;
    }
}
