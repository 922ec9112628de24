package dev.raptor.api.http;

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

    /** The answer in one array of its exact length (the piece itself when there is one). */
    public byte[] toArray() {
        if (pieces.size() == 1) {
            return pieces.getFirst();
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
