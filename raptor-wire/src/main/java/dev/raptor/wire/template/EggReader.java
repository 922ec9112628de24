package dev.raptor.wire.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateVariable;
import dev.raptor.core.template.VariableRules;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.WireJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a Pterodactyl or Pelican egg (the JSON a panel exports, {@code meta.version} {@code PTDL_v1} or
 * {@code PTDL_v2}) as a {@link Template}. What Raptor uses of it:
 * <ul>
 *   <li>{@code name}, {@code author}, {@code description};</li>
 *   <li>the images: {@code docker_images} (label to image, PTDL_v2), {@code images} (a list, PTDL_v1) or
 *       {@code image} (one, the oldest eggs);</li>
 *   <li>{@code startup}; {@code config.stop} (a console command, or {@code ^C} for SIGINT);
 *       {@code config.startup} (an object or, as panels export it, a JSON string) whose {@code done} (a string or
 *       a list) is the line that ends a boot: found anywhere in a line, or a regular expression when it starts
 *       with {@code regex:};</li>
 *   <li>{@code scripts.installation} {@code {container, entrypoint, script}} (an empty script = nothing to
 *       install);</li>
 *   <li>{@code variables[]} {@code {name, description, env_variable, default_value, user_viewable, user_editable,
 *       rules}}, rules as Laravel's pipe string or Pelican's list.</li>
 * </ul>
 * Everything else of an egg ({@code config.files}, {@code config.logs}, {@code features}, {@code file_denylist},
 * ...) is accepted and not used. Every problem is reported at once, with the egg's own paths
 * ({@code variables[2].rules}).
 */
public final class EggReader {
    private static final List<String> FORMATS = List.of("PTDL_v1", "PTDL_v2");
    private static final Pattern NOT_ID = Pattern.compile("[^a-z0-9]+");

    private EggReader() {
    }

    /**
     * The template an egg describes.
     *
     * @param id the template's id; null = derived from the egg's name ({@link #idFor})
     * @throws InvalidSpecException naming every problem of the egg
     */
    public static Template read(JsonNode egg, String id, Instant now) {
        Problems p = new Problems();
        if (egg == null || !egg.isObject()) {
            throw new InvalidSpecException(WireJson.ROOT, "an egg is a JSON object (was " + WireJson.describe(egg) + ")");
        }
        String format = text(egg.path("meta").path("version"));
        if (format == null || !FORMATS.contains(format)) {
            p.add("meta.version", "must be one of " + String.join(", ", FORMATS) + " (was " + describe(egg.path("meta").path("version")) + ")");
        }
        String name = text(egg.get("name"));
        if (name == null || name.isBlank()) {
            p.add("name", "is required");
        }
        String startup = text(egg.get("startup"));
        if (startup == null || startup.isBlank()) {
            p.add("startup", "is required");
        } else if (startup.contains("\n") || startup.contains("\r")) {
            p.add("startup", "must be a single line");
        }
        Map<String, String> images = images(egg, p);
        JsonNode config = egg.path("config");
        StopPolicy stop = stop(config.get("stop"), p);
        String ready = ready(config.get("startup"), p);
        InstallScript install = install(egg.path("scripts").path("installation"), p);
        List<TemplateVariable> variables = variables(egg.get("variables"), p);
        String templateId = id != null ? id : name == null ? null : idFor(name);
        if (!p.isEmpty()) {
            p.throwIfAny();
        }
        return new Template(templateId, name.strip(), text(egg.get("description")), text(egg.get("author")), images,
                startup.strip(), stop, ready, install, variables, format, now);
    }

    /** A template id from an egg's name: lower case, runs of other characters as one {@code -} ({@code Paper MC} -> {@code paper-mc}). */
    public static String idFor(String name) {
        String id = NOT_ID.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-").replaceAll("^-+|-+$", "");
        if (id.length() > 64) {
            id = id.substring(0, 64).replaceAll("-+$", "");
        }
        return id.isEmpty() ? "template" : id;
    }

    private static Map<String, String> images(JsonNode egg, Problems p) {
        Map<String, String> images = new LinkedHashMap<>();
        JsonNode docker = egg.get("docker_images");
        JsonNode list = egg.get("images");
        JsonNode one = egg.get("image");
        if (docker != null && !docker.isNull()) {
            if (!docker.isObject()) {
                p.add("docker_images", "must be an object of label to image (was " + WireJson.describe(docker) + ")");
            } else {
                docker.properties().forEach(e -> {
                    if (e.getValue().isTextual() && !e.getValue().textValue().isBlank()) {
                        images.put(e.getKey(), e.getValue().textValue().strip());
                    } else {
                        p.add("docker_images." + e.getKey(), "must be an image reference");
                    }
                });
            }
        } else if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                p.add("images", "must be a list of images (was " + WireJson.describe(list) + ")");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    String image = text(list.get(i));
                    if (image == null || image.isBlank()) {
                        p.add("images[" + i + "]", "must be an image reference");
                    } else {
                        images.put(image.strip(), image.strip());
                    }
                }
            }
        } else if (one != null && one.isTextual() && !one.textValue().isBlank()) {
            images.put(one.textValue().strip(), one.textValue().strip());
        }
        return images;
    }

    private static StopPolicy stop(JsonNode node, Problems p) {
        String stop = text(node);
        if (stop == null || stop.isBlank()) {
            return StopPolicy.defaultPolicy();
        }
        stop = stop.strip();
        if (stop.equals("^C")) {
            return StopPolicy.signal("SIGINT", StopPolicy.DEFAULT_TIMEOUT);
        }
        if (stop.startsWith("^")) {
            p.add("config.stop", "'" + stop + "' is not a stop Raptor knows: a console command, or ^C for SIGINT");
            return StopPolicy.defaultPolicy();
        }
        return StopPolicy.command(stop, StopPolicy.DEFAULT_TIMEOUT);
    }

    /** {@code config.startup.done} as one regular expression; null when the egg has none. */
    private static String ready(JsonNode node, Problems p) {
        if (node == null || node.isNull()) {
            return null;
        }
        JsonNode startup = node;
        if (node.isTextual()) {
            if (node.textValue().isBlank()) {
                return null;
            }
            try {
                startup = WireJson.parse(node.textValue());
            } catch (RuntimeException e) {
                p.add("config.startup", "must be an object, or a string holding one (" + e.getMessage() + ")");
                return null;
            }
        }
        if (!startup.isObject()) {
            p.add("config.startup", "must be an object (was " + WireJson.describe(startup) + ")");
            return null;
        }
        JsonNode done = startup.get("done");
        List<String> lines = new ArrayList<>();
        if (done == null || done.isNull()) {
            return null;
        } else if (done.isTextual()) {
            lines.add(done.textValue());
        } else if (done.isArray()) {
            done.forEach(d -> lines.add(d.isTextual() ? d.textValue() : null));
        } else {
            p.add("config.startup.done", "must be a string or a list of strings (was " + WireJson.describe(done) + ")");
            return null;
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String path = done.isArray() ? "config.startup.done[" + i + "]" : "config.startup.done";
            if (line == null || line.isEmpty()) {
                p.add(path, "must be a non-empty string");
            } else if (line.startsWith("regex:")) {
                String regex = line.substring("regex:".length());
                try {
                    Pattern.compile(regex);
                    patterns.add("(?:" + regex + ")");
                } catch (RuntimeException e) {
                    p.add(path, "is not a valid regular expression: " + e.getMessage());
                }
            } else {
                patterns.add(Pattern.quote(line));
            }
        }
        return patterns.isEmpty() ? null : String.join("|", patterns);
    }

    private static InstallScript install(JsonNode node, Problems p) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String script = text(node.get("script"));
        if (script == null || script.isBlank()) {
            return null;
        }
        try {
            return new InstallScript(text(node.get("container")), text(node.get("entrypoint")), script);
        } catch (InvalidSpecException e) {
            p.addAll("scripts.installation", e.errors());
            return null;
        }
    }

    private static List<TemplateVariable> variables(JsonNode node, Problems p) {
        List<TemplateVariable> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            p.add("variables", "must be a list (was " + WireJson.describe(node) + ")");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            String path = "variables[" + i + "]";
            if (!v.isObject()) {
                p.add(path, "must be an object (was " + WireJson.describe(v) + ")");
                continue;
            }
            String env = text(v.get("env_variable"));
            if (env == null || !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                p.add(path + ".env_variable", env == null ? "is required" : "is not a valid variable name (was '" + env + "')");
                continue;
            }
            VariableRules rules;
            try {
                rules = rules(v.get("rules"));
            } catch (IllegalArgumentException e) {
                p.add(path + ".rules", e.getMessage());
                continue;
            }
            out.add(new TemplateVariable(text(v.get("name")), text(v.get("description")), env, scalar(v.get("default_value")),
                    bool(v.get("user_viewable")), bool(v.get("user_editable")), rules));
        }
        return out;
    }

    private static VariableRules rules(JsonNode node) {
        if (node == null || node.isNull()) {
            return VariableRules.NONE;
        }
        if (node.isTextual()) {
            return VariableRules.parse(node.textValue());
        }
        if (node.isArray()) {
            List<String> list = new ArrayList<>();
            node.forEach(r -> list.add(r.isTextual() ? r.textValue() : r.toString()));
            return VariableRules.of(list);
        }
        throw new IllegalArgumentException("must be a string such as required|string|max:20, or a list of rules");
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.textValue();
    }

    /** A default value as text: eggs write numbers and booleans too. */
    private static String scalar(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** Eggs write booleans as true/false or 1/0. */
    private static boolean bool(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        return node.isBoolean() ? node.booleanValue() : node.isNumber() ? node.asInt() != 0 : Boolean.parseBoolean(node.asText());
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "absent" : node.isTextual() ? "'" + node.textValue() + "'" : WireJson.describe(node);
    }
}
