package dev.raptor.api.operations;

import java.util.Map;

/**
 * The title of each problem type a file operation can end with, so that an operation read back from the store
 * (which keeps the status and type of its problem) shows the problem as it was answered.
 */
public final class ProblemTitles {
    private static final Map<String, String> TITLES = Map.ofEntries(
            Map.entry("path-outside-root", "Path outside the server's root"),
            Map.entry("denied", "Denied by the server's file rules"),
            Map.entry("not-found", "No such file or directory"),
            Map.entry("quota-exceeded", "Disk quota exceeded"),
            Map.entry("not-a-file", "Not a regular file"),
            Map.entry("not-a-directory", "Not a directory"),
            Map.entry("conflict", "Conflicting file"),
            Map.entry("bad-path", "Bad path"),
            Map.entry("cancelled", "Operation cancelled"),
            Map.entry("bad-archive", "Unreadable or unsafe archive"),
            Map.entry("disk-full", "Disk full"),
            Map.entry("files-locked", "Files locked"),
            Map.entry("pull-refused", "Download refused"),
            Map.entry("pull-failed", "Download failed"),
            Map.entry("too-large", "Too large"));

    private ProblemTitles() {
    }

    /** The title for {@code slug}; a readable form of the slug for one this table lacks. */
    public static String of(String slug) {
        String t = TITLES.get(slug);
        return t != null ? t : Character.toUpperCase(slug.charAt(0)) + slug.substring(1).replace('-', ' ');
    }
}
