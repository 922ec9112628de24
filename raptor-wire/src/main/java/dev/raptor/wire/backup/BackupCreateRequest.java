package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/backups}: {@code {"name": "before-update", "ignore": ["logs/", "!logs/keep.log"],
 * "wait": true, "timeout": 60}}; every member optional.
 *
 * @param name    the backup's name (default: its time)
 * @param ignore  gitignore patterns to leave out, after those of the server's {@code .raptorignore}
 * @param waits   {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout seconds to wait at most before answering 202
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupCreateRequest(String name, List<String> ignore, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("name", "ignore", "wait", "timeout");
}
