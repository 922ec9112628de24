package dev.raptor.api;

import dev.raptor.core.template.TemplateCatalog;

/**
 * What the API needs to make servers from templates: the node's {@link TemplateCatalog}. Without it (null) the
 * {@code /templates} routes do not exist and a server body naming a template is refused.
 */
public record Provisioning(TemplateCatalog templates) {
}
