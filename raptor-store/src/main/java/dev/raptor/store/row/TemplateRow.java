package dev.raptor.store.row;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateVariable;
import dev.raptor.core.template.VariableRules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A template as the store keeps it in {@code templates.document} (row format 1): the egg's parts Raptor uses,
 * in the store's own names. Images keep their order (a JSON object's member order).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TemplateRow(int format, String id, String name, String description, String author, Map<String, String> images,
                          String startup, StopRow stop, String readyPattern, InstallRow install, List<VariableRow> variables,
                          String eggFormat, long importedAtMillis) {

    public static final int FORMAT = 1;

    /** @param kind {@code command} or {@code signal} (templates have no rcon stops) */
    public record StopRow(String kind, String value, String timeout) {
    }

    public record InstallRow(String image, String entrypoint, String script) {
    }

    public record VariableRow(String name, String description, String env, String defaultValue, boolean userViewable,
                              boolean userEditable, List<String> rules) {
    }

    public static TemplateRow of(Template t) {
        StopPolicy s = t.stopPolicy();
        InstallScript i = t.install();
        return new TemplateRow(FORMAT, t.id(), t.name(), t.description(), t.author(), t.images(), t.startup(),
                new StopRow(s.type(), s.value(), s.timeout().toString()), t.readyPattern(),
                i == null ? null : new InstallRow(i.image(), i.entrypoint(), i.script()),
                t.variables().stream().map(v -> new VariableRow(v.name(), v.description(), v.envVariable(), v.defaultValue(),
                        v.userViewable(), v.userEditable(), v.rules().rules())).toList(),
                t.format(), t.importedAt().toEpochMilli());
    }

    public Template toTemplate() {
        if (format != FORMAT) {
            throw new IllegalArgumentException("template row format " + format + " is not known to this build (knows " + FORMAT + ")");
        }
        Duration timeout = Duration.parse(stop.timeout());
        StopPolicy stopPolicy = switch (stop.kind()) {
            case "command" -> StopPolicy.command(stop.value(), timeout);
            case "signal" -> StopPolicy.signal(stop.value(), timeout);
            case null, default -> throw new IllegalArgumentException("unknown stop kind '" + stop.kind() + "'");
        };
        return new Template(id, name, description, author, images, startup, stopPolicy, readyPattern,
                install == null ? null : new InstallScript(install.image(), install.entrypoint(), install.script()),
                variables.stream().map(v -> new TemplateVariable(v.name(), v.description(), v.env(), v.defaultValue(),
                        v.userViewable(), v.userEditable(), new VariableRules(v.rules()))).toList(),
                eggFormat, Instant.ofEpochMilli(importedAtMillis));
    }
}
