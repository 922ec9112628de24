package dev.raptor.api.files;

import java.util.Locale;

/**
 * One HTTP byte range (RFC 9110 §14.1.2) of a file of known size: {@code bytes=a-b}, {@code bytes=a-} or the last
 * {@code n} bytes, {@code bytes=-n}. A header that is no single byte range (several ranges, another unit, garbage)
 * is ignored, as the RFC allows: the whole file is sent.
 *
 * @param first the first byte
 * @param last  the last byte (inclusive)
 */
record ByteRange(long first, long last, boolean unsatisfiable) {

    /** The range a header asks for, null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n <= 0) {
                    return size == 0 ? new ByteRange(0, -1, true) : null;
                }
                return size == 0 ? new ByteRange(0, -1, true) : new ByteRange(Math.max(0, size - n), size - 1, false);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= size) {
                return new ByteRange(first, last, true);
            }
            return new ByteRange(first, Math.min(last, size - 1), false);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    long length() {
        return last - first + 1;
    }
}
