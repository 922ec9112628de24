package dev.raptor.files;

/** A search hit: the entry and its full path. */
public record FoundFile(String path, FileEntry entry) {
}
