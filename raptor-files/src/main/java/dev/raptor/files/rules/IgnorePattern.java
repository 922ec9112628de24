package dev.raptor.files.rules;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of a gitignore file, compiled: what git's {@code gitignore(5)} says, for paths relative to the
 * server's root.
 * <ul>
 *   <li>blank lines and lines starting with {@code #} match nothing ({@code \#} is a literal {@code #});
 *       trailing spaces are dropped unless escaped ({@code \ });</li>
 *   <li>{@code !} negates (re-includes) ({@code \!} is a literal {@code !});</li>
 *   <li>a trailing {@code /} matches directories only;</li>
 *   <li>a {@code /} at the start or in the middle anchors the pattern at the root; otherwise it matches a name
 *       at any depth;</li>
 *   <li>{@code *} is any run of characters but {@code /}, {@code ?} one character but {@code /}, {@code [a-z]}
 *       and {@code [!a-z]} (or {@code [^a-z]}) a class, {@code \x} the character x; {@code **} as a whole
 *       component matches any number of directories ({@code **}{@code /a}, {@code a/**}, {@code a/**}{@code /b});
 *       elsewhere it is an ordinary {@code *}.</li>
 * </ul>
 *
 * @param source   the line as written
 * @param negated  a {@code !} pattern
 * @param dirOnly  ended with {@code /}
 */
public record IgnorePattern(String source, boolean negated, boolean dirOnly, Pattern regex) {

    /** Compiles a line; empty for blank lines and comments. */
    public static Optional<IgnorePattern> parse(String line) {
        String s = line;
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        s = stripTrailingSpaces(s);
        if (s.isEmpty() || s.startsWith("#")) {
            return Optional.empty();
        }
        boolean negated = false;
        if (s.startsWith("!")) {
            negated = true;
            s = s.substring(1);
        }
        boolean dirOnly = false;
        while (s.endsWith("/") && !s.endsWith("\\/")) {
            dirOnly = true;
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        boolean anchored = s.indexOf('/') >= 0;
        if (s.startsWith("/")) {
            s = s.substring(1);
        }
        String glob = anchored ? s : "**/" + s;
        return Optional.of(new IgnorePattern(line, negated, dirOnly, Pattern.compile(toRegex(glob), Pattern.DOTALL)));
    }

    /** Whether the pattern matches {@code path} ({@code a/b/c}, no leading slash) itself, ignoring its parents. */
    public boolean matches(String path, boolean isDirectory) {
        if (dirOnly && !isDirectory) {
            return false;
        }
        return regex.matcher(path).matches();
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            int backslashes = 0;
            for (int i = end - 2; i >= 0 && s.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                break; // "\ " keeps its space
            }
            end--;
        }
        return s.substring(0, end);
    }

    /** A glob ({@code *.jar}, {@code level?.dat}) as a regular expression over names, for searches. */
    public static String globToRegex(String glob) {
        return toRegex(glob);
    }

    /** Translates a glob over whole paths into a regular expression. */
    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        int i = 0;
        while (i < n) {
            char c = glob.charAt(i);
            boolean componentStart = i == 0 || glob.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*' && componentStart
                    && (i + 2 == n || glob.charAt(i + 2) == '/')) {
                if (i + 2 == n) {
                    re.append(".*");            // "a/**": everything inside (and "**" alone: everything)
                    i += 2;
                } else {
                    re.append("(?:.*/)?");      // "**/": any number of directories, none included
                    i += 3;
                }
                continue;
            }
            switch (c) {
                case '*' -> {
                    while (i + 1 < n && glob.charAt(i + 1) == '*') {
                        i++;
                    }
                    re.append("[^/]*");
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = classEnd(glob, i);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        re.append(toClass(glob.substring(i + 1, close)));
                        i = close;
                    }
                }
                case '\\' -> {
                    if (i + 1 < n) {
                        i++;
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    } else {
                        re.append("\\\\");
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return re.toString();
    }

    /** Index of the {@code ]} closing the class opened at {@code open}, or -1. */
    private static int classEnd(String glob, int open) {
        int i = open + 1;
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            i++;
        }
        if (i < glob.length() && glob.charAt(i) == ']') {
            i++; // "[]a]": a leading ] is a member
        }
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == ']') {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static String toClass(String body) {
        StringBuilder re = new StringBuilder("[");
        int i = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            re.append('^');
            i = 1;
        }
        int first = i;
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                c = body.charAt(++i);
                re.append('\\').append(c);
            } else if (c == '-' && i > first && i + 1 < body.length()) {
                re.append('-');
            } else if (c == '[' || c == ']' || c == '&' || c == '^' || c == '\\' || c == '-') {
                re.append('\\').append(c);
            } else {
                re.append(c);
            }
        }
        re.append("&&[^/]]");
        return re.toString();
    }
}
