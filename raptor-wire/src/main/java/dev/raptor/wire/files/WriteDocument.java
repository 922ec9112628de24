package dev.raptor.wire.files;

/**
 * A file that was written ({@code PUT /files/content}, one file of an upload).
 *
 * @param path    the file, normalised
 * @param bytes   its size now
 * @param created true when no file was there before
 */
public record WriteDocument(String path, long bytes, boolean created) {
}
