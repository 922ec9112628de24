package dev.raptor.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where Raptor keeps its state, and why there: {@code RAPTOR_DATA_DIR}, else {@code DAEMON_DATA_DIR}
 * (the earlier daemon's name, still honoured), else {@value #DEFAULT_PATH}. When both variables are
 * set, {@code RAPTOR_DATA_DIR} wins. Blank values count as unset.
 *
 * @param path   absolute, normalized directory
 * @param source the variable it came from, or {@code "default"}, for the boot log
 */
public record DataDirectory(Path path, String source) {

    public static final String ENV = "RAPTOR_DATA_DIR";
    public static final String LEGACY_ENV = "DAEMON_DATA_DIR";
    public static final String DEFAULT_PATH = "/var/lib/raptor-daemon";

    public DataDirectory {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(source, "source");
    }

    /** Resolves the directory from an environment such as {@link System#getenv()}. */
    public static DataDirectory resolve(Map<String, String> env) {
        for (String name : new String[]{ENV, LEGACY_ENV}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return new DataDirectory(Path.of(value.strip()).toAbsolutePath().normalize(), name);
            }
        }
        return new DataDirectory(Path.of(DEFAULT_PATH), "default");
    }

    /** Resolves the directory from this process's environment. */
    public static DataDirectory fromEnvironment() {
        return resolve(System.getenv());
    }
}
