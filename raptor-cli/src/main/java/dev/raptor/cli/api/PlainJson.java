package dev.raptor.cli.api;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict JSON reader (RFC 8259) into plain JDK values, for {@code raptorctl ps}'s quick path only: starting
 * Jackson databind (introspecting the wire records, building their deserializers) was most of a {@code ps}
 * once picocli and the HTTP client were gone from it, and a table needs a handful of members.
 *
 * <p>An object reads as a {@link Map} (a member that is JSON {@code null} maps to {@code null}), an array as a
 * {@link List}, a string as a {@link String}, a number as a {@link Long} when it is an integer literal of up to 18 digits and
 * as a {@link BigDecimal} otherwise, {@code true}/{@code false} as a
 * {@link Boolean}. It is as strict as the wire mapper ({@code WireJson}): malformed UTF-8, a duplicate member,
 * anything after the document, or nesting deeper than {@value #MAX_DEPTH} reads as empty, and the caller falls
 * back to the wire records. It is never the contract: only a shortcut that must print what they print.
 */
public final class PlainJson {
    private static final int MAX_DEPTH = 256;

    /*
     * It reads the UTF-8 bytes themselves, with array accesses in its loops and no call per character: raptorctl's
     * run is short enough that this code runs in the interpreter, where a String.charAt per character made a list
     * of ten servers (8.5 kB) cost 15 to 35 ms. A byte of a multi-byte UTF-8 sequence is never a quote, a backslash
     * or a control character, so strings are delimited on bytes and only a string with such bytes is decoded
     * strictly.
     */
    private final byte[] in;
    private int pos;

    private PlainJson(byte[] in) {
        this.in = in;
    }

    /** The document in {@code utf8}, or empty when it is not exactly one well-formed JSON value (or is {@code null}). */
    public static Optional<Object> parse(byte[] utf8) {
        PlainJson reader = new PlainJson(utf8);
        try {
            Object value = reader.value(0);
            reader.skipSpace();
            if (reader.pos != utf8.length) {
                return Optional.empty(); // trailing tokens
            }
            return Optional.ofNullable(value); // a document that is only null has nothing to show either
        } catch (Malformed e) {
            return Optional.empty();
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed();
        }
        skipSpace();
        if (pos >= in.length) {
            throw new Malformed();
        }
        byte c = in[pos];
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new Malformed();
        }
    }

    private Map<String, Object> object(int depth) {
        pos++; // {
        Map<String, Object> members = new HashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new Malformed();
            }
            String name = string();
            skipSpace();
            if (next() != ':') {
                throw new Malformed();
            }
            Object value = value(depth + 1);
            if (members.containsKey(name)) {
                throw new Malformed(); // a duplicate member, as the wire mapper refuses it
            }
            members.put(name, value);
            skipSpace();
            int c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new Malformed();
            }
        }
    }

    private List<Object> array(int depth) {
        pos++; // [
        List<Object> elements = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return elements;
        }
        while (true) {
            elements.add(value(depth + 1));
            skipSpace();
            int c = next();
            if (c == ']') {
                return elements;
            }
            if (c != ',') {
                throw new Malformed();
            }
        }
    }

    private String string() {
        byte[] b = in;
        int start = ++pos; // after the quote
        int i = start;
        boolean multiByte = false;
        while (true) {
            if (i >= b.length) {
                throw new Malformed();
            }
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return multiByte ? decode(start, i) : new String(b, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\') {
                pos = i;
                return escaped(start);
            }
            if (c >= 0 && c < 0x20) {
                throw new Malformed(); // control characters must be escaped
            }
            multiByte |= c < 0;
            i++;
        }
    }

    /** The rest of a string with escapes from {@code start}; {@link #pos} is at its first backslash. */
    private String escaped(int start) {
        StringBuilder out = new StringBuilder(decode(start, pos));
        int segment = pos;
        while (true) {
            if (pos >= in.length) {
                throw new Malformed();
            }
            byte c = in[pos];
            if (c == '"' || c == '\\') {
                out.append(decode(segment, pos));
                pos++;
                if (c == '"') {
                    return out.toString();
                }
                int e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append((char) e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > in.length) {
                            throw new Malformed();
                        }
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int digit = Character.digit(in[pos++], 16);
                            if (digit < 0) {
                                throw new Malformed();
                            }
                            code = code * 16 + digit;
                        }
                        out.append((char) code);
                    }
                    default -> throw new Malformed();
                }
                segment = pos;
            } else if (c >= 0 && c < 0x20) {
                throw new Malformed();
            } else {
                pos++;
            }
        }
    }

    /** Bytes {@code from} to {@code to} as strict UTF-8. */
    private String decode(int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(in, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed();
        }
    }

    /**
     * A number: an integer literal of up to 18 digits (every int and most longs, which is all a list of servers holds) as a
     * {@link Long}, anything else as a {@link BigDecimal}. Not every number as a BigDecimal: its class initialiser builds
     * tables of powers of ten, interpreted, which cost more than the rest of reading a list of ten servers (10 to 15 ms of a
     * quick {@code ps} on an idle machine).
     */
    private Number number() {
        int start = pos;
        boolean negative = peek() == '-';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw new Malformed();
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (!digits()) {
                throw new Malformed();
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw new Malformed();
            }
        }
        if (integer && pos - digitsStart <= 18) {
            long value = 0;
            for (int i = digitsStart; i < pos; i++) {
                value = value * 10 + (in[i] - '0');
            }
            return negative ? -value : value;
        }
        return new BigDecimal(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    }

    /** Reads one or more digits; whether there was one. */
    private boolean digits() {
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (pos + word.length() > in.length) {
            throw new Malformed();
        }
        for (int k = 0; k < word.length(); k++) {
            if (in[pos + k] != word.charAt(k)) {
                throw new Malformed();
            }
        }
        pos += word.length();
        return value;
    }

    private void skipSpace() {
        byte[] b = in;
        int i = pos;
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        pos = i;
    }

    private int peek() {
        return pos < in.length ? in[pos] : -1;
    }

    private int next() {
        if (pos >= in.length) {
            throw new Malformed();
        }
        return in[pos++];
    }

    /** Not well-formed JSON: unwinds to {@link #parse}. No stack trace: it is an answer, not a bug. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
