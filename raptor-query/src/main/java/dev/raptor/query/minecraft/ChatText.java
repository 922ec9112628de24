package dev.raptor.query.minecraft;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * The plain text of a Minecraft chat component (the status JSON's {@code description}): a string, or
 * an object whose {@code text} is followed by its {@code extra} components, or an array of components.
 * Legacy {@code §} formatting codes are removed.
 */
public final class ChatText {
    private static final Pattern FORMATTING = Pattern.compile("§.?");
    private static final int MAX_DEPTH = 32;

    private ChatText() {
    }

    public static String plain(JsonNode component) {
        StringBuilder out = new StringBuilder();
        append(component, out, 0);
        return stripFormatting(out.toString());
    }

    public static String stripFormatting(String s) {
        return FORMATTING.matcher(s).replaceAll("");
    }

    private static void append(JsonNode node, StringBuilder out, int depth) {
        if (node == null || node.isNull() || depth > MAX_DEPTH) {
            return;
        }
        if (node.isTextual() || node.isNumber() || node.isBoolean()) {
            out.append(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> append(n, out, depth + 1));
        } else if (node.isObject()) {
            if (node.has("text")) {
                out.append(node.get("text").asText());
            } else if (node.has("translate")) {
                out.append(node.get("translate").asText());
            }
            JsonNode extra = node.get("extra");
            if (extra != null && extra.isArray()) {
                extra.forEach(n -> append(n, out, depth + 1));
            }
        }
    }
}
