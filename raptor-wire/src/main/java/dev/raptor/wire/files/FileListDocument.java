package dev.raptor.wire.files;

import java.util.List;

/**
 * {@code GET /servers/{id}/files?path=DIR}: a directory's entries, directories first, then by name; entries the
 * server's deny rules hide are left out.
 *
 * @param path the directory, normalised ({@code /plugins})
 */
public record FileListDocument(String path, List<FileEntryDocument> entries) {
}
