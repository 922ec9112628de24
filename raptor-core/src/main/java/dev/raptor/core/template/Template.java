package dev.raptor.core.template;

import dev.raptor.core.install.InstallScript;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.validation.Problems;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What servers of one game are made of: an imported egg. Creating a server from it fills the server's image
 * (the first of {@code images} unless the request names one), startup command, stop policy, ready pattern,
 * environment (from {@code variables}) and install script.
 *
 * @param id           the node's name for it: letters, digits, {@code -} and {@code _} ({@code paper}); servers name it
 * @param name         the egg's name
 * @param description  the egg's description; may be empty
 * @param author       the egg's author; may be empty
 * @param images       label to image reference, in the egg's order ({@code "Java 21" -> "ghcr.io/...:java_21"}); the
 *                     first is the default; may be empty for templates meant for the process runtime
 * @param startup      the startup command, with {@code {{VAR}}} placeholders expanded at start
 * @param stopPolicy   how servers of it stop (the egg's {@code config.stop}: a console command, or {@code ^C} for SIGINT)
 * @param readyPattern the regular expression of the line that ends a boot (from {@code config.startup.done}); null = none
 * @param install      the install script; null = nothing to install
 * @param variables    the variables, in the egg's order, with distinct environment names
 * @param format       the egg format it came from ({@code PTDL_v1}, {@code PTDL_v2})
 * @param importedAt   when it was imported
 */
public record Template(String id, String name, String description, String author, Map<String, String> images,
                       String startup, StopPolicy stopPolicy, String readyPattern, InstallScript install,
                       List<TemplateVariable> variables, String format, Instant importedAt) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public Template {
        Problems p = new Problems();
        p.check(id != null && ID.matcher(id).matches(), "id",
                "must be 1-64 letters, digits, - and _, starting with a letter or digit (was '" + id + "')");
        p.check(name != null && !name.isBlank(), "name", "is required");
        p.check(startup != null && !startup.isBlank(), "startup", "is required");
        Objects.requireNonNull(stopPolicy, "stopPolicy");
        Objects.requireNonNull(importedAt, "importedAt");
        description = description == null ? "" : description;
        author = author == null ? "" : author;
        format = format == null ? "" : format;
        images = images == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(images));
        variables = variables == null ? List.of() : List.copyOf(variables);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < variables.size(); i++) {
            String env = variables.get(i).envVariable();
            p.check(seen.add(env), "variables[" + i + "].env_variable", "'" + env + "' is defined twice");
        }
        p.throwIfAny();
    }

    /** The image a server gets when its request names none: the egg's first; null when it lists none. */
    public String defaultImage() {
        return images.isEmpty() ? null : images.values().iterator().next();
    }

    /** The variable whose environment name is {@code env}, or null. */
    public TemplateVariable variable(String env) {
        for (TemplateVariable v : variables) {
            if (v.envVariable().equals(env)) {
                return v;
            }
        }
        return null;
    }
}
