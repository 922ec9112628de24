package dev.raptor.core.template;

/** No template with that id on this node: the API's 404 {@code template-not-found}. */
public final class TemplateNotFoundException extends RuntimeException {
    private final String templateId;

    public TemplateNotFoundException(String templateId) {
        super("no template with id '" + templateId + "'");
        this.templateId = templateId;
    }

    public String templateId() {
        return templateId;
    }
}
