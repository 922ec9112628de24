package dev.raptor.wire.files;

import java.util.Set;

/** One chmod: {@code {"path": "/start.sh", "mode": "0755"}} (three or four octal digits, at most 0777). */
public record ModeChangeDocument(String path, String mode) {
    public static final Set<String> FIELDS = Set.of("path", "mode");
}
