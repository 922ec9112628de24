package dev.raptor.core.update;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where a server's new versions come from and how it is kept on the latest: a manifest URL ({@code http(s)://} or
 * {@code file://}) answering {@code {version, url, sha256, size}}, how often it is checked, whether a newer version
 * is applied without being asked ({@code auto}), the paths an update never replaces (a world, a config the operator
 * edited), how long the new version may take to be ready before it is rolled back, and how many pre-update backups
 * are kept.
 */
public record UpdateSource(URI manifest, Duration checkEvery, boolean auto, List<String> preserve, Duration readyWithin,
                           int maxBackups) {
    public UpdateSource {
        preserve = List.copyOf(preserve);
    }
}
