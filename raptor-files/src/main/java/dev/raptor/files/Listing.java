package dev.raptor.files;

import java.util.List;

/**
 * A directory's entries, directories first, then by name.
 *
 * @param path    the directory as asked, normalised ({@code /plugins})
 * @param entries its entries, without those the deny rules hide
 */
public record Listing(String path, List<FileEntry> entries) {
    public Listing {
        entries = List.copyOf(entries);
    }
}
