package dev.raptor.files;

import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.rules.IgnorePattern;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Finds entries by name beneath a directory, to a depth, never walking into links, skipping hidden paths. */
final class NameSearch {
    static final int MAX_DEPTH = 32;
    static final int MAX_RESULTS = 10_000;

    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    private NameSearch() {
    }

    static SearchResult search(FilesContext ctx, String dir, String query, int maxDepth, int limit, Progress progress) throws IOException {
        if (query == null || query.isBlank()) {
            throw new BadPathException(dir, "a search needs a name to look for");
        }
        int depth = Math.clamp(maxDepth <= 0 ? 8 : maxDepth, 1, MAX_DEPTH);
        int max = Math.clamp(limit <= 0 ? 1000 : limit, 1, MAX_RESULTS);
        Predicate<String> matches = matcher(query.strip());
        JailPath base = JailPath.of(dir);
        List<FoundFile> found = new ArrayList<>();
        boolean truncated = false;
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(base, true)) {
            ServerFiles.requireDirectory(r);
            ctx.requireRead(r, true);
            int baseDepth = r.real().parts().size();
            try (Fd d = s.openDirectoryPath(r)) {
                TreeWalk.walk(s, d, r.real(), new TreeWalk.Visitor() {
                    @Override
                    public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        if (ctx.rules().hides(path, true)) {
                            return false;
                        }
                        hit(parent, name, path, stat);
                        return path.parts().size() - baseDepth < depth;
                    }

                    @Override
                    public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        if (!ctx.rules().hides(path, false)) {
                            hit(parent, name, path, stat);
                        }
                    }

                    private void hit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        if (!matches.test(path.name())) {
                            return;
                        }
                        if (found.size() >= max) {
                            throw new Enough();
                        }
                        JailPath shown = base.resolve(path.relativeTo(r.real()));
                        found.add(new FoundFile(shown.toString(), FilesContext.entry(s, parent, name, stat, path)));
                    }
                }, progress);
            } catch (Enough e) {
                truncated = true;
            }
        }
        return new SearchResult(found, truncated);
    }

    private static Predicate<String> matcher(String query) {
        if (query.indexOf('*') >= 0 || query.indexOf('?') >= 0 || query.indexOf('[') >= 0) {
            Pattern p = Pattern.compile(IgnorePattern.globToRegex(query), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
            return name -> p.matcher(name).matches();
        }
        String q = query.toLowerCase(Locale.ROOT);
        return name -> name.toLowerCase(Locale.ROOT).contains(q);
    }
}
