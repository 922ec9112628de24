package dev.raptor.wire.files;

/**
 * The answer of {@code POST /files/directory}.
 *
 * @param created false when the directory was there already (creating it again is a success)
 */
public record DirectoryDocument(String path, boolean created) {
}
