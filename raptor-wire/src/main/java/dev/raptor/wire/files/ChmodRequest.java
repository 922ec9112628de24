package dev.raptor.wire.files;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/chmod}: {@code {"changes": [{"path": "/start.sh", "mode": "0755"}]}}. Never through
 * a link; all checked first. The answer is the same document with paths normalised and modes as four digits.
 */
public record ChmodRequest(List<ModeChangeDocument> changes) {
    public static final Set<String> FIELDS = Set.of("changes");
}
