package dev.raptor.wire.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/commit}: {@code {"repository": "backups/lobby", "tag": "before-update", "message": "…",
 * "pause": false, "wait": true, "timeout": 60}}.
 *
 * @param repository the image's repository (no tag)
 * @param tag        its tag (default {@code latest})
 * @param message    the commit message the image records
 * @param pause      whether the server is frozen while it is copied (default false: copied live)
 * @param waits      {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout    seconds to wait at most before answering 202
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitRequestDocument(String repository, String tag, String message, Boolean pause, @JsonProperty("wait") Boolean waits,
                                    BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("repository", "tag", "message", "pause", "wait", "timeout");
}
