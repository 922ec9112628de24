package dev.raptor.wire.update;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Set;

/**
 * {@code PUT|GET /servers/{id}/update-source}: where the server's new versions come from. In a request only
 * {@code manifest} is required.
 *
 * @param manifest          the manifest's address ({@code http://}, {@code https://} or {@code file://}), answering
 *                          {@code {"version", "url", "sha256", "size"}}
 * @param checkEverySeconds how often the checker asks it (default 3600; at least 10)
 * @param auto              whether a newer version is applied when the checker sees it (default false: checks only
 *                          report, updates run when asked)
 * @param preserve          paths an update never replaces, relative to the server's root ({@code world},
 *                          {@code server.properties})
 * @param readySeconds      how long the new version may take to be ready before it is rolled back (default 300)
 * @param maxBackups        how many pre-update backups are kept (default 3; at least 1)
 * @param version           answered only: the version the server's files hold (null: never updated)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateSourceDocument(String manifest, Long checkEverySeconds, Boolean auto, List<String> preserve, Long readySeconds,
                                   Integer maxBackups, String version) {
    public static final Set<String> FIELDS = Set.of("manifest", "checkEverySeconds", "auto", "preserve", "readySeconds", "maxBackups");
}
