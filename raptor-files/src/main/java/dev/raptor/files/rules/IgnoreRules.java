package dev.raptor.files.rules;

import dev.raptor.files.jail.JailPath;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of gitignore patterns (see {@link IgnorePattern}) and git's way of reading them: the last pattern that
 * matches a path decides, and a path inside an excluded directory stays excluded whatever a later {@code !}
 * pattern says ("it is not possible to re-include a file if a parent directory of that file is excluded").
 * Used for a server's deny rules and for backup ignore files.
 */
public final class IgnoreRules {
    public static final IgnoreRules NONE = new IgnoreRules(List.of());

    private final List<IgnorePattern> patterns;

    private IgnoreRules(List<IgnorePattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** One pattern per element (each may also hold several lines). */
    public static IgnoreRules of(List<String> lines) {
        List<IgnorePattern> out = new ArrayList<>();
        for (String block : lines) {
            for (String line : block.split("\n", -1)) {
                IgnorePattern.parse(line).ifPresent(out::add);
            }
        }
        return out.isEmpty() ? NONE : new IgnoreRules(out);
    }

    /** The text of a gitignore file. */
    public static IgnoreRules parse(String text) {
        return of(List.of(text));
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public List<IgnorePattern> patterns() {
        return patterns;
    }

    /** Whether {@code path} is excluded, itself or through an excluded parent directory. */
    public boolean excludes(JailPath path, boolean isDirectory) {
        if (patterns.isEmpty() || path.isRoot()) {
            return false;
        }
        StringBuilder prefix = new StringBuilder();
        List<String> parts = path.parts();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                prefix.append('/');
            }
            prefix.append(parts.get(i));
            boolean last = i == parts.size() - 1;
            if (decide(prefix.toString(), !last || isDirectory)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code path} itself is excluded, its parents being known not to be (what a walk that does not
     * descend into excluded directories asks).
     */
    public boolean excludesItself(JailPath path, boolean isDirectory) {
        return !patterns.isEmpty() && !path.isRoot() && decide(String.join("/", path.parts()), isDirectory);
    }

    private boolean decide(String path, boolean isDirectory) {
        for (int i = patterns.size() - 1; i >= 0; i--) {
            IgnorePattern p = patterns.get(i);
            if (p.matches(path, isDirectory)) {
                return !p.negated();
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return patterns.stream().map(IgnorePattern::source).toList().toString();
    }
}
