package dev.raptor.wire.template;

import java.util.List;

/** {@code GET /templates}: every template of the node, by id, and how many. */
public record TemplateList(List<TemplateDocument> templates, int count) {
    public TemplateList(List<TemplateDocument> templates) {
        this(templates, templates.size());
    }
}
