package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/backups/{bid}/restore}: {@code {"truncate": true, "wait": true, "timeout": 60}}.
 *
 * @param truncate whether the server's root becomes exactly the backup (default false: the backup's files replace
 *                 those of the same name, others stay)
 * @param waits    {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout  seconds to wait at most before answering 202
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreRequest(Boolean truncate, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("truncate", "wait", "timeout");
}
