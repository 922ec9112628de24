package dev.raptor.files;

/** What a directory entry is; {@code OTHER} is a FIFO, socket or device (listed, never opened). */
public enum FileType {
    FILE, DIRECTORY, SYMLINK, OTHER
}
