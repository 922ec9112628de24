package dev.raptor.wire.template;

/**
 * One variable of a template: {@code envVariable} is the name a server request's {@code variables} uses;
 * {@code rules} are Laravel's pipe form ({@code required|integer|between:1,100}).
 */
public record TemplateVariableDocument(String name, String description, String envVariable, String defaultValue,
                                       boolean userViewable, boolean userEditable, String rules) {
}
