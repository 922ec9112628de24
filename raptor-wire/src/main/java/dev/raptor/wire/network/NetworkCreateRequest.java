package dev.raptor.wire.network;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.Set;

/**
 * {@code POST /networks}: {@code {"name": "lobby-net", "subnet": "10.42.0.0/24", "internal": false, "labels": {"team": "eu"}}}.
 *
 * @param name     its name (1-64 of letters, digits, _ . -)
 * @param subnet   its IPv4 subnet; absent = one the engine chooses
 * @param internal whether it is cut off from the outside (default false)
 * @param labels   operator labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkCreateRequest(String name, String subnet, Boolean internal, Map<String, String> labels) {
    public static final Set<String> FIELDS = Set.of("name", "subnet", "internal", "labels");
}
