package dev.raptor.core.template;

/** A template with that id exists already and the import did not ask to replace it: the API's 409 {@code template-exists}. */
public final class TemplateExistsException extends RuntimeException {
    private final String templateId;

    public TemplateExistsException(String templateId) {
        super("a template with id '" + templateId + "' exists already; import with ?replace=true to replace it, or delete it first");
        this.templateId = templateId;
    }

    public String templateId() {
        return templateId;
    }
}
