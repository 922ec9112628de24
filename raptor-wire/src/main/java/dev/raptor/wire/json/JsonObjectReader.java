package dev.raptor.wire.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.validation.Problems;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the members of one JSON object, recording every wrong type as a problem under the member's
 * path instead of throwing, so a caller can report all bad fields at once. A getter returns
 * {@code null} when the member is absent, JSON {@code null}, or of the wrong type (then a problem is
 * recorded). {@link #rejectUnknown} afterwards reports members nobody asked for.
 *
 * <p>In {@linkplain #lenient lenient} mode, names match regardless of case, {@code _} and {@code -}:
 * {@code docker_id}, {@code dockerId} and {@code DockerID} are the same member, and problems use
 * the spelling the document used.
 */
public final class JsonObjectReader {
    private final ObjectNode node;
    private final String path;
    private final Problems problems;
    private final boolean lenient;
    private final Set<String> consumed = new HashSet<>();
    private final Set<String> reportedDuplicates = new HashSet<>();

    private JsonObjectReader(JsonNode node, String path, Problems problems, boolean lenient) {
        this.path = path;
        this.problems = problems;
        this.lenient = lenient;
        if (node instanceof ObjectNode object) {
            this.node = object;
        } else {
            this.node = null;
            problems.add(path.isEmpty() ? WireJson.ROOT : path, "must be a JSON object (was " + WireJson.describe(node) + ")");
        }
    }

    /** A reader of {@code node}, which is reported as a problem at {@code path} unless it is an object. */
    public static JsonObjectReader of(JsonNode node, String path, Problems problems) {
        return new JsonObjectReader(node, path, problems, false);
    }

    /** Like {@link #of}, but snake_case, camelCase and kebab-case spellings of a name all match. */
    public static JsonObjectReader lenient(JsonNode node, String path, Problems problems) {
        return new JsonObjectReader(node, path, problems, true);
    }

    /** Whether the node is an object (if not, a problem was recorded and every getter returns null). */
    public boolean isObject() {
        return node != null;
    }

    public String path() {
        return path;
    }

    public Problems problems() {
        return problems;
    }

    /** The path of member {@code name}, spelled as the document spells it when present. */
    public String pathOf(String name) {
        String key = key(name);
        return join(path, key == null ? name : key);
    }

    /** Records a problem with member {@code name}. */
    public void error(String name, String message) {
        problems.add(pathOf(name), message);
    }

    /** Whether the member is present and not JSON null. */
    public boolean has(String name) {
        JsonNode v = peek(name);
        return v != null && !v.isNull();
    }

    /** The member's raw value (null when absent or JSON null), marking it as read. */
    public JsonNode node(String name) {
        String key = key(name);
        if (key == null) {
            return null;
        }
        consumed.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public String text(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            return wrongType(name, "a string", v);
        }
        return v.textValue();
    }

    /** A whole number that fits an {@code int}. */
    public Integer integer(String name) {
        Long v = longValue(name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            error(name, "is out of range (was " + v + ")");
            return null;
        }
        return v.intValue();
    }

    /** A whole number that fits a {@code long}; {@code 2.0} counts as whole, {@code 2.5} does not. */
    public Long longValue(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            return wrongType(name, "a whole number", v);
        }
        BigDecimal d = v.decimalValue();
        try {
            return d.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            error(name, d.scale() > 0 && d.stripTrailingZeros().scale() > 0
                    ? "must be a whole number (was " + d.toPlainString() + ")"
                    : "is out of range (was " + d.toPlainString() + ")");
            return null;
        }
    }

    public Boolean bool(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            return wrongType(name, "true or false", v);
        }
        return v.booleanValue();
    }

    /** A duration given as a number of seconds; fractions are allowed ({@code 1.5}). */
    public Duration seconds(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            return wrongType(name, "a number of seconds", v);
        }
        BigDecimal s = v.decimalValue();
        if (s.abs().compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
            error(name, "is out of range (was " + s.toPlainString() + ")");
            return null;
        }
        return Duration.ofNanos(s.movePointRight(9).longValue());
    }

    public UUID uuid(String name) {
        String s = text(name);
        if (s == null) {
            return null;
        }
        try {
            UUID id = UUID.fromString(s.strip());
            if (id.toString().equalsIgnoreCase(s.strip())) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        error(name, "must be a UUID such as 3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21 (was '" + s + "')");
        return null;
    }

    /** An ISO-8601 instant such as {@code 2025-03-14T10:15:02Z}. */
    public Instant instant(String name) {
        String s = text(name);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s.strip());
        } catch (DateTimeParseException e) {
            error(name, "must be an ISO-8601 UTC time such as 2025-03-14T10:15:02Z (was '" + s + "')");
            return null;
        }
    }

    /**
     * A string parsed by {@code parser}, whose {@link IllegalArgumentException} message becomes the problem.
     */
    public <T> T choice(String name, Function<String, T> parser) {
        String s = text(name);
        if (s == null) {
            return null;
        }
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            error(name, e.getMessage());
            return null;
        }
    }

    /** A nested object's reader, or null when the member is absent or not an object (then reported). */
    public JsonObjectReader object(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            return wrongType(name, "an object", v);
        }
        return new JsonObjectReader(v, pathOf(name), problems, lenient);
    }

    /** A nested array's elements, or null when absent or not an array (then reported). */
    public List<JsonNode> array(String name) {
        JsonNode v = node(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            return wrongType(name, "an array", v);
        }
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    /** An object of string values, in document order; each non-string value is reported under its key. */
    public Map<String, String> stringMap(String name) {
        JsonObjectReader o = object(name);
        if (o == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.node.properties()) {
            o.consumed.add(e.getKey());
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            } else {
                problems.add(join(o.path, e.getKey()), "must be a string (was " + WireJson.describe(e.getValue()) + ")");
            }
        }
        return out;
    }

    /** A reader for element {@code index} of an array that is this object's member {@code name}. */
    public JsonObjectReader element(String name, int index, JsonNode element) {
        return new JsonObjectReader(element, pathOf(name) + "[" + index + "]", problems, lenient);
    }

    /** Members present that no getter asked for, spelled as in the document. */
    public List<String> unknownMembers(Set<String> ignorable) {
        if (node == null) {
            return List.of();
        }
        Set<String> ignore = new HashSet<>();
        ignorable.forEach(n -> ignore.add(normalize(n)));
        List<String> unknown = new ArrayList<>();
        for (String key : keys()) {
            if (!consumed.contains(key) && !ignore.contains(normalize(key))) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /**
     * Reports every member no getter asked for as an unknown field (catching typos such as
     * {@code memoryMb}), except the {@code ignorable} ones, with a hint at the nearest known field
     * ({@link FieldHint}) by its full path. Call after reading all known members.
     *
     * @param known the names this object accepts, for the hints
     */
    public void rejectUnknown(Set<String> known, Set<String> ignorable) {
        reject(known, ignorable);
    }

    /**
     * Like {@link #rejectUnknown(Set, Set)}, with hints at fields below this object too.
     *
     * @param hints the names this object accepts and paths below it ({@code limits.memoryMiB}), equally near
     *              ones first in the order given ({@link FieldHint})
     */
    public void rejectUnknown(List<String> hints, Set<String> ignorable) {
        reject(hints, ignorable);
    }

    private void reject(Collection<String> known, Set<String> ignorable) {
        for (String key : unknownMembers(ignorable)) {
            String hint = FieldHint.nearest(key, known);
            problems.add(join(path, key), "is not a known field" + (hint == null ? "" : "; did you mean " + join(path, hint) + "?"));
        }
    }

    private JsonNode peek(String name) {
        String key = key(name);
        return key == null ? null : node.get(key);
    }

    /** The document's key for {@code name}, or null when absent. Two spellings of one name are a problem. */
    private String key(String name) {
        if (node == null) {
            return null;
        }
        if (!lenient) {
            return node.has(name) ? name : null;
        }
        String wanted = normalize(name);
        List<String> matches = keys().stream().filter(k -> normalize(k).equals(wanted)).toList();
        if (matches.isEmpty()) {
            return null;
        }
        if (matches.size() > 1 && reportedDuplicates.add(wanted)) {
            consumed.addAll(matches);
            problems.add(join(path, matches.get(1)), "is given twice (also as " + matches.get(0) + ")");
        }
        return matches.getFirst();
    }

    /** The names of the members present, as spelled in the document. */
    public List<String> keys() {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    private <T> T wrongType(String name, String expected, JsonNode actual) {
        error(name, "must be " + expected + " (was " + WireJson.describe(actual) + ")");
        return null;
    }

    static String normalize(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    public static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }
}
