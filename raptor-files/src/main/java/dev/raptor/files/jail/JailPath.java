package dev.raptor.files.jail;

import dev.raptor.files.BadPathException;
import dev.raptor.files.PathOutsideRootException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A path as a user gives it, read against the server's root: {@code /} and the empty path are the root,
 * a leading {@code /} changes nothing ({@code /etc/passwd} is {@code <root>/etc/passwd}), {@code .} and
 * empty components are dropped and {@code ..} is applied lexically, so {@code a/../b} is {@code b} whatever
 * {@code a} is. A {@code ..} above the root is refused ({@link PathOutsideRootException}), as are NUL bytes,
 * components over 255 bytes and paths over 4095 bytes in UTF-8, and text that is not valid UTF-16
 * ({@link BadPathException}). Links are not looked at here: {@link Session#resolve} does that.
 *
 * @param parts the components, none empty, {@code .} or {@code ..}
 */
public record JailPath(List<String> parts) {
    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_PATH_BYTES = 4095;

    public static final JailPath ROOT = new JailPath(List.of());

    public JailPath {
        parts = List.copyOf(parts);
    }

    /** Parses a user path; null or blank is the root. */
    public static JailPath of(String path) throws BadPathException, PathOutsideRootException {
        if (path == null || path.isEmpty()) {
            return ROOT;
        }
        if (path.indexOf('\0') >= 0) {
            throw new BadPathException(printable(path), "the path contains a NUL character");
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int totalBytes;
        try {
            totalBytes = encoder.encode(CharBuffer.wrap(path)).remaining();
        } catch (CharacterCodingException e) {
            throw new BadPathException(printable(path), "the path is not valid Unicode text");
        }
        if (totalBytes > MAX_PATH_BYTES) {
            throw new BadPathException(printable(path), "the path is longer than " + MAX_PATH_BYTES + " bytes");
        }
        List<String> out = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (out.isEmpty()) {
                    throw new PathOutsideRootException(printable(path), "the path leads above the server's root");
                }
                out.removeLast();
                continue;
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new BadPathException(printable(path), "a name in the path is longer than " + MAX_NAME_BYTES + " bytes");
            }
            out.add(part);
        }
        return new JailPath(out);
    }

    public boolean isRoot() {
        return parts.isEmpty();
    }

    /** The last component; the root has none. */
    public String name() {
        return parts.isEmpty() ? "" : parts.getLast();
    }

    public JailPath parent() {
        return parts.isEmpty() ? this : new JailPath(parts.subList(0, parts.size() - 1));
    }

    /** This path with {@code name} appended (a single component, checked like a new name's bytes). */
    public JailPath child(String name) throws BadPathException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new BadPathException(printable(name), "'" + printable(name) + "' is not a file name");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new BadPathException(printable(name), "the name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        List<String> p = new ArrayList<>(parts);
        p.add(name);
        return new JailPath(p);
    }

    /** The path with {@code relative}'s components appended (relative is already clean). */
    public JailPath resolve(JailPath relative) {
        List<String> p = new ArrayList<>(parts);
        p.addAll(relative.parts);
        return new JailPath(p);
    }

    public boolean startsWith(JailPath other) {
        return parts.size() >= other.parts.size() && parts.subList(0, other.parts.size()).equals(other.parts);
    }

    /** Whether this path is {@code other} or beneath it. */
    public boolean isWithin(JailPath other) {
        return startsWith(other);
    }

    /** The components after {@code base}'s (this must start with base). */
    public JailPath relativeTo(JailPath base) {
        return new JailPath(parts.subList(base.parts.size(), parts.size()));
    }

    /**
     * Refuses a name Raptor is asked to create that tools cannot take: control characters (a newline breaks
     * FTP's line protocol, logs and shells). Existing names with them can still be read, renamed and deleted.
     */
    public JailPath requireCreatableName() throws BadPathException {
        if (isRoot()) {
            throw new BadPathException("/", "the server's root cannot be created or replaced");
        }
        String name = name();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadPathException(toString(), "a new name may not contain control characters (such as a newline)");
            }
        }
        return this;
    }

    /** Components as the file system's bytes. */
    public List<byte[]> componentBytes() {
        List<byte[]> out = new ArrayList<>(parts.size());
        for (String p : parts) {
            out.add(p.getBytes(StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code /a/b}, the root is {@code /}. */
    @Override
    public String toString() {
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    /** A name decoded from file-system bytes (invalid UTF-8 shows as U+FFFD). */
    public static String decode(byte[] name) {
        return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(name)).toString();
    }

    /** The text with control characters escaped, for messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 300 ? b + "…" : b.toString();
    }
}
