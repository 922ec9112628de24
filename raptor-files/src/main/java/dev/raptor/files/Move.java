package dev.raptor.files;

/** One rename or move: {@code from} becomes {@code to} (a full path, never an existing one). */
public record Move(String from, String to) {
}
