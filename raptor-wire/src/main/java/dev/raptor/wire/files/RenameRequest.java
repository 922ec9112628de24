package dev.raptor.wire.files;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/rename}: {@code {"moves": [{"from": "/a.txt", "to": "/old/a.txt"}]}}. All are
 * checked first, then done in order; when one fails, those done are undone. The answer is the same document with
 * the paths normalised.
 */
public record RenameRequest(List<MoveDocument> moves) {
    public static final Set<String> FIELDS = Set.of("moves");
}
