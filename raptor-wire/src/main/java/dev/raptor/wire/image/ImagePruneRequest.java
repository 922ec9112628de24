package dev.raptor.wire.image;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.Set;

/**
 * {@code POST /images/prune}: removes every image no server's spec names and no container uses; with {@code labels},
 * only the images that carry all of them. An empty body prunes them all.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImagePruneRequest(Map<String, String> labels) {
    public static final Set<String> FIELDS = Set.of("labels");
}
