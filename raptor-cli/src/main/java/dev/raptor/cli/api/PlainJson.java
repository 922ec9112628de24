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
 * {@link List}, a string as a {@link String}, a number as a {@link BigDecimal}, {@code true}/{@code false} as a
 * {@link Boolean}. It is as strict as the wire mapper ({@code WireJson}): malformed UTF-8, a duplicate member,
 * anything after the document, or nesting deeper than {@value #MAX_DEPTH} reads as empty, and the caller falls
 * back to the wire records. It is never the contract: only a shortcut that must print what they print.
 */
public final class PlainJson {
    private static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;

    private PlainJson(String text) {
        this.text = text;
    }

    /** The document in {@code utf8}, or empty when it is not exactly one well-formed JSON value (or is {@code null}). */
    public static Optional<Object> parse(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        PlainJson reader = new PlainJson(text);
        try {
            Object value = reader.value(0);
            reader.skipSpace();
            if (reader.pos != text.length()) {
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
        if (pos >= text.length()) {
            throw new Malformed();
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new Malformed();
            }
        };
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
            expect(':');
            Object value = value(depth + 1);
            if (members.containsKey(name)) {
                throw new Malformed(); // a duplicate member, as the wire mapper refuses it
            }
            members.put(name, value);
            skipSpace();
            char c = next();
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
            char c = next();
            if (c == ']') {
                return elements;
            }
            if (c != ',') {
                throw new Malformed();
            }
        }
    }

    private String string() {
        pos++; // "
        StringBuilder out = null;
        int start = pos;
        while (true) {
            char c = next();
            if (c == '"') {
                return out == null ? text.substring(start, pos - 1) : out.toString();
            }
            if (c < 0x20) {
                throw new Malformed(); // control characters must be escaped
            }
            if (c != '\\') {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.substring(start, pos - 1));
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw new Malformed();
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos++), 16);
                        if (digit < 0) {
                            throw new Malformed();
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                }
                default -> throw new Malformed();
            }
        }
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw new Malformed();
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw new Malformed();
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw new Malformed();
            }
        }
        return new BigDecimal(text.substring(start, pos));
    }

    /** Reads one or more digits; whether there was one. */
    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw new Malformed();
        }
        pos += word.length();
        return value;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw new Malformed();
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw new Malformed();
        }
        return text.charAt(pos++);
    }

    /** Not well-formed JSON: unwinds to {@link #parse}. No stack trace: it is an answer, not a bug. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
