package dev.raptor.files.archive;

import dev.raptor.files.rules.IgnoreRules;

/**
 * How an archive is written.
 *
 * @param level   compression level: gzip 1-9, zstd 1-19, zip 0-9; 0 or below = the format's default
 *                (gzip 6, zstd 3, zip 6)
 * @param threads zstd worker threads; 0 = one per core
 * @param ignore  paths to leave out (gitignore syntax, relative to the archive's base), e.g. a backup's ignore file
 */
public record CompressOptions(int level, int threads, IgnoreRules ignore) {
    public static final CompressOptions DEFAULTS = new CompressOptions(0, 0, IgnoreRules.NONE);

    public CompressOptions {
        ignore = ignore == null ? IgnoreRules.NONE : ignore;
    }

    public CompressOptions withIgnore(IgnoreRules rules) {
        return new CompressOptions(level, threads, rules);
    }

    public CompressOptions withLevel(int l) {
        return new CompressOptions(l, threads, ignore);
    }
}
