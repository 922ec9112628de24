package dev.raptor.core.template;

import java.util.Objects;

/**
 * One variable of a {@link Template}: an environment variable of servers made from it, with a default and the
 * rules a value must pass (an egg's {@code variables[]} entry).
 *
 * @param name         what the variable is for, in words ({@code Server Jar File})
 * @param description  a longer explanation; may be empty
 * @param envVariable  the environment variable it sets ({@code SERVER_JARFILE}); what a server request names
 * @param defaultValue the value when a request gives none; may be empty
 * @param userViewable whether the panel shows it to the server's users (kept for the panel; Raptor's node key sees all)
 * @param userEditable whether the panel lets users change it (kept for the panel; the node key may set any)
 * @param rules        what a value must satisfy
 */
public record TemplateVariable(String name, String description, String envVariable, String defaultValue,
                               boolean userViewable, boolean userEditable, VariableRules rules) {
    public TemplateVariable {
        Objects.requireNonNull(envVariable, "envVariable");
        Objects.requireNonNull(rules, "rules");
        name = name == null || name.isBlank() ? envVariable : name;
        description = description == null ? "" : description;
        defaultValue = defaultValue == null ? "" : defaultValue;
    }
}
