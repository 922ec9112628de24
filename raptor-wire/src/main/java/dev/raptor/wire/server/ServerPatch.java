package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code PATCH /servers/{id}}: an RFC 7396 merge patch of the spec
 * ({@value #MEDIA_TYPE}, {@code application/json} works too). The members it names replace the spec's,
 * nested objects merge member by member, and a member set to {@code null} goes back to its default;
 * arrays are replaced whole. The daemon decodes the merged spec like a created one, so a bad member
 * is a 400 naming it, and nothing changes.
 *
 * <pre>{@code
 * ServerPatch.of().with("name", "lobby-2").with("limits", Map.of("memoryMiB", 2048)).without("healthCheck")
 * // {"name":"lobby-2","limits":{"memoryMiB":2048},"healthCheck":null}
 * }</pre>
 *
 * @param members the patch's members, in order; a null value removes the member
 */
public record ServerPatch(Map<String, Object> members) {
    public static final String MEDIA_TYPE = "application/merge-patch+json";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ServerPatch(Map<String, Object> members) {
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** A patch that changes nothing yet. */
    public static ServerPatch of() {
        return new ServerPatch(Map.of());
    }

    /** This patch, also setting {@code member} to {@code value} (a string, number, boolean, list or map). */
    public ServerPatch with(String member, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(members);
        next.put(member, value);
        return new ServerPatch(next);
    }

    /** This patch, also returning {@code member} to its default (written as {@code null}). */
    public ServerPatch without(String member) {
        return with(member, null);
    }

    /** The patch as it is sent: its members, nulls included. */
    @JsonValue
    @Override
    public Map<String, Object> members() {
        return members;
    }
}
