package dev.raptor.wire.json;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The known field an unknown one was probably meant to be, for "did you mean" hints: {@code memory} at the
 * top of a spec means {@code limits.memoryMiB}, {@code memoryMb} means {@code memoryMiB}. Candidates are
 * paths ({@code limits.memoryMiB}, {@code allocations[].port}); a typo is compared with each path's last
 * name and with the whole path, ignoring case, {@code _} and {@code -}.
 *
 * <p>A candidate matches exactly, or by prefix (a name cut short, {@code memory}; or one with something
 * added, {@code ports}), or within a few edits (a quarter of its length, at least two). The closest wins;
 * among equally close ones the first of a list (so a caller ranks them: {@code allocations[].port} before
 * {@code stop.port}), or of a set in alphabetical order, so a hint never depends on a set's order.
 */
public final class FieldHint {
    private static final int MIN_PREFIX = 3;

    private FieldHint() {
    }

    /** The candidate path nearest to {@code typo}, or null when none is near enough. */
    public static String nearest(String typo, Collection<String> candidates) {
        String t = normalize(typo);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : candidates instanceof List<String> list ? list : candidates.stream().sorted().toList()) {
            int score = score(t, candidate);
            if (score < bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /** 0 for the same name, 1 for a prefix either way, else the edit distance; MAX_VALUE when too far. */
    private static int score(String t, String candidate) {
        String path = candidate.replace("[]", "");
        int dot = path.lastIndexOf('.');
        String leaf = normalize(dot < 0 ? path : path.substring(dot + 1));
        String whole = normalize(path.replace(".", ""));
        if (t.equals(leaf) || t.equals(whole)) {
            return 0;
        }
        if (t.length() >= MIN_PREFIX && leaf.startsWith(t) || leaf.length() >= MIN_PREFIX && t.startsWith(leaf)) {
            return 1;
        }
        int d = Math.min(distance(t, leaf), distance(t, whole));
        int allowed = Math.max(2, leaf.length() / 4);
        return d <= allowed ? d + 1 : Integer.MAX_VALUE;
    }

    static String normalize(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
