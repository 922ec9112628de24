package dev.raptor.files;

/**
 * A write that happened (for the activity log).
 *
 * @param path    the file as asked
 * @param bytes   its size now
 * @param created true when no file was there before
 */
public record WriteResult(String path, long bytes, boolean created) {
}
