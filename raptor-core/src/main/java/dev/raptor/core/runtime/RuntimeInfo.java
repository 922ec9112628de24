package dev.raptor.core.runtime;

import java.util.List;
import java.util.Map;

/**
 * What a runtime says about itself, for {@code GET /api/v1/system} and the boot log.
 *
 * @param runtime       {@code docker}, {@code process}...
 * @param engineVersion the engine's version, e.g. {@code 26.1.5}
 * @param apiVersion    the protocol version spoken, e.g. {@code 1.41}
 * @param details       further facts (cgroup version, storage driver, kernel...)
 * @param warnings      limits this node cannot enforce, said plainly (never pretend)
 */
public record RuntimeInfo(String runtime, String engineVersion, String apiVersion, Map<String, String> details,
                          List<String> warnings) {
    public RuntimeInfo {
        details = details == null ? Map.of() : Map.copyOf(details);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
