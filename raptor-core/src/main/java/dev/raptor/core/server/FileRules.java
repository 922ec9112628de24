package dev.raptor.core.server;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of a server's files its users may not see or may not change, as two lists of gitignore patterns
 * (one pattern a line, as in a {@code .gitignore}: {@code *.log}, {@code /server.jar}, {@code secrets/},
 * {@code !keep.log}). {@code deny} paths are invisible (not listed, read, written or archived);
 * {@code readOnly} paths are listed and read but not written, renamed, deleted or extracted over. They bind
 * every way in: the file API, SFTP/FTP, archives and restores; Raptor's own work (backups, installs) is not
 * bound by them. Not part of what runs: changing them never recreates a container.
 *
 * @param deny     patterns of paths users may not see
 * @param readOnly patterns of paths users may read but not change
 */
public record FileRules(List<String> deny, List<String> readOnly) {
    /** No rules: users may see and change every file inside the server's root. */
    public static final FileRules NONE = new FileRules(List.of(), List.of());

    /** At most this many patterns in each list. */
    public static final int MAX_PATTERNS = 1000;
    /** At most this many characters in one pattern. */
    public static final int MAX_PATTERN_LENGTH = 4096;

    public FileRules {
        deny = copy(deny);
        readOnly = copy(readOnly);
    }

    private static List<String> copy(List<String> in) {
        return in == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(in));
    }

    public static FileRules of(List<String> deny, List<String> readOnly) {
        return new FileRules(deny, readOnly);
    }

    public boolean isEmpty() {
        return deny.isEmpty() && readOnly.isEmpty();
    }

    /** What is wrong with the lists, each problem under {@code deny[i]} or {@code readOnly[i]}. */
    public List<FieldError> problems() {
        Problems p = new Problems();
        check("deny", deny, p);
        check("readOnly", readOnly, p);
        return p.list();
    }

    private static void check(String field, List<String> patterns, Problems p) {
        p.check(patterns.size() <= MAX_PATTERNS, field, "holds at most " + MAX_PATTERNS + " patterns (was " + patterns.size() + ")");
        for (int i = 0; i < patterns.size(); i++) {
            String s = patterns.get(i);
            String at = field + "[" + i + "]";
            if (s == null) {
                p.add(at, "must be a pattern, not null");
                continue;
            }
            p.check(s.length() <= MAX_PATTERN_LENGTH, at, "must be at most " + MAX_PATTERN_LENGTH + " characters");
            p.check(s.chars().noneMatch(c -> c == 0 || c == '\n' || c == '\r'), at,
                    "must be one line without NUL characters (one pattern per element)");
        }
    }
}
