package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Resource limits; 0 means unlimited, {@code swapMiB} -1 unlimited swap. Absent members keep their default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsDocument(Long memoryMiB, Long swapMiB, Integer cpuPercent, String threads, Long diskMiB,
                             Integer ioWeight, Integer pidsLimit, Boolean oomKiller) {
}
