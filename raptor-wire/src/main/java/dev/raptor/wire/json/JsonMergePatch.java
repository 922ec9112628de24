package dev.raptor.wire.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * RFC 7396 JSON Merge Patch: a patch object says which members to set, and {@code null} removes a
 * member; any other patch (array, string, number...) replaces the target whole. Arrays are never
 * merged element by element. Inputs are not modified.
 */
public final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /** The result of applying {@code patch} to {@code target} (a missing target is {@code null}). */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? target : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            JsonNode value = member.getValue();
            if (value.isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), apply(result.get(member.getKey()), value));
            }
        }
        return result;
    }
}
