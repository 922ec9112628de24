package dev.raptor.wire.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateVariables;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecJson;
import dev.raptor.wire.server.StopDocument;
import dev.raptor.wire.server.Seconds;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The body of {@code POST /servers}: a spec ({@link ServerSpecJson}), or a server made from a template:
 *
 * <pre>{@code
 * {"template": "paper", "variables": {"SERVER_JARFILE": "server.jar"}, "skipInstall": false,
 *  "name": "lobby", "allocations": [{"ip": "0.0.0.0", "port": 25565}], "limits": {"memoryMiB": 2048}}
 * }</pre>
 *
 * The template fills what the body leaves out: {@code image} (its first image; a body's {@code image} may also
 * name one of the template's image labels), {@code startup}, {@code stop}, {@code readyPattern}, and the
 * environment: each template variable's value from {@code variables} (any JSON scalar) or its default, checked
 * by its rules. The body's own {@code environment} adds variables the template does not have; setting a template
 * variable there is an error (it would escape the variable's rules). Every problem, of the variables and of the
 * resulting spec, is named in one {@link InvalidSpecException} ({@code variables.SERVER_JARFILE}, {@code name}...).
 *
 * @param spec        the server's spec
 * @param template    the template it was made from; null for a plain spec
 * @param skipInstall whether the template's install script should not run now
 */
public record ServerCreation(ServerSpec spec, Template template, boolean skipInstall) {

    /** Members a creation body may have beyond a spec's. */
    public static final Set<String> TEMPLATE_MEMBERS = Set.of("template", "variables", "skipInstall");

    /**
     * Reads a creation body.
     *
     * @param templates the node's templates by id
     * @throws InvalidSpecException naming every bad member
     */
    public static ServerCreation decode(ObjectNode body, Function<String, Optional<Template>> templates) {
        if (!body.has("template")) {
            Problems p = new Problems();
            for (String member : TEMPLATE_MEMBERS) {
                if (body.has(member)) {
                    p.add(member, "only applies to a server made from a template (give \"template\": \"<id>\")");
                }
            }
            ObjectNode plain = body.deepCopy();
            plain.remove(TEMPLATE_MEMBERS);
            ServerSpec spec = ServerSpecJson.decode(JsonObjectReader.of(plain, "", p), ServerDocument.READ_ONLY);
            p.throwIfAny();
            return new ServerCreation(spec, null, false);
        }
        Problems p = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", p);
        String templateId = r.text("template");
        Boolean skip = r.bool("skipInstall");
        Map<String, String> given = variables(r.node("variables"), p);
        Template template = null;
        if (templateId != null) {
            template = templates.apply(templateId).orElse(null);
            if (template == null) {
                p.add("template", "no template with id '" + templateId + "' (GET /api/v1/templates lists them)");
            }
        } else if (!r.has("template")) {
            p.add("template", "is required");
        }
        ObjectNode merged = body.deepCopy();
        merged.remove(TEMPLATE_MEMBERS);
        if (template != null) {
            fill(merged, template, given, p);
        }
        ServerSpec spec = ServerSpecJson.decode(JsonObjectReader.of(merged, "", p), ServerDocument.READ_ONLY);
        p.throwIfAny();
        return new ServerCreation(spec, template, Boolean.TRUE.equals(skip));
    }

    private static void fill(ObjectNode merged, Template t, Map<String, String> given, Problems p) {
        JsonNode image = merged.get("image");
        if (image == null || image.isNull()) {
            if (t.defaultImage() != null) {
                merged.put("image", t.defaultImage());
            }
        } else if (image.isTextual() && t.images().containsKey(image.textValue())) {
            merged.put("image", t.images().get(image.textValue())); // a label of the template's images
        }
        if (!merged.hasNonNull("startup")) {
            merged.put("startup", t.startup());
        }
        if (!merged.hasNonNull("stop")) {
            merged.set("stop", WireJson.tree(new StopDocument(t.stopPolicy().type(), t.stopPolicy().value(),
                    Seconds.of(t.stopPolicy().timeout()), null, null)));
        }
        if (!merged.hasNonNull("readyPattern") && t.readyPattern() != null) {
            merged.put("readyPattern", t.readyPattern());
        }
        Map<String, String> env = new LinkedHashMap<>();
        try {
            env.putAll(TemplateVariables.resolve(t, given));
        } catch (InvalidSpecException e) {
            for (FieldError err : e.errors()) {
                p.add(err.field(), err.message());
            }
            t.variables().forEach(v -> env.put(v.envVariable(), given.getOrDefault(v.envVariable(), v.defaultValue())));
        }
        ObjectNode environment = JsonNodeFactory.instance.objectNode();
        env.forEach(environment::put);
        JsonNode own = merged.get("environment");
        if (own instanceof ObjectNode o) {
            Set<String> names = new HashSet<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (t.variable(name) != null) {
                    p.add("environment." + name, "is a variable of template '" + t.id() + "': set it in \"variables\", where its rules apply");
                } else {
                    environment.set(name, o.get(name));
                }
            }
        } else if (own != null && !own.isNull()) {
            return; // not an object: the spec decoder names it
        }
        merged.set("environment", environment);
    }

    /** The {@code variables} object: each value a string, number or boolean, as text. */
    private static Map<String, String> variables(JsonNode node, Problems p) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!node.isObject()) {
            p.add("variables", "must be an object of variable name to value (was " + WireJson.describe(node) + ")");
            return out;
        }
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), v.textValue());
            } else if (v.isNumber() || v.isBoolean()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isNull()) {
                out.put(e.getKey(), "");
            } else {
                p.add("variables." + e.getKey(), "must be a string, number or boolean (was " + WireJson.describe(v) + ")");
            }
        });
        return out;
    }
}
