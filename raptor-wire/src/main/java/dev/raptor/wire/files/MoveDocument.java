package dev.raptor.wire.files;

import java.util.Set;

/** One rename or move: {@code from} becomes {@code to}, a full path that must not exist yet. */
public record MoveDocument(String from, String to) {
    public static final Set<String> FIELDS = Set.of("from", "to");
}
