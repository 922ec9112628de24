package dev.raptor.core.template;

import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;

import java.util.LinkedHashMap;
import java.util.Map;

/** The environment a server made from a template gets: each variable's given value or default, checked by its rules. */
public final class TemplateVariables {
    private TemplateVariables() {
    }

    /**
     * Every variable of {@code template} with its value: the one in {@code given} (keyed by environment name) or
     * the default.
     *
     * @throws InvalidSpecException naming every bad variable at once, as {@code variables.<ENV>}: a value its
     *                              rules refuse, a required one missing, or a name the template does not have
     */
    public static Map<String, String> resolve(Template template, Map<String, String> given) {
        Problems p = new Problems();
        Map<String, String> values = given == null ? Map.of() : given;
        Map<String, String> env = new LinkedHashMap<>();
        for (TemplateVariable v : template.variables()) {
            String value = values.containsKey(v.envVariable()) ? values.get(v.envVariable()) : v.defaultValue();
            for (String problem : v.rules().problems(value)) {
                p.add("variables." + v.envVariable(), problem);
            }
            env.put(v.envVariable(), value == null ? "" : value);
        }
        for (String name : values.keySet()) {
            if (template.variable(name) == null) {
                p.add("variables." + name, "is not a variable of template '" + template.id() + "'"
                        + (template.variables().isEmpty() ? " (it has none)" : " (it has " + String.join(", ",
                        template.variables().stream().map(TemplateVariable::envVariable).toList()) + ")"));
            }
        }
        p.throwIfAny();
        return env;
    }
}
