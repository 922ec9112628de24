package dev.raptor.api;

import dev.raptor.core.install.InstallService;
import dev.raptor.core.template.TemplateCatalog;

/**
 * What the API needs to make servers from templates, install them and keep them updated: the node's {@link TemplateCatalog} and
 * {@link InstallService}. Without it (null) the {@code /templates} and install routes do not exist and a server
 * body naming a template is refused.
 *
 * @param installs null: servers made from templates keep no install script and the install routes do not exist
 * @param updates  null: the update routes do not exist
 */
public record Provisioning(TemplateCatalog templates, InstallService installs, dev.raptor.backup.update.UpdateService updates) {
    public Provisioning(TemplateCatalog templates, InstallService installs) {
        this(templates, installs, null);
    }
}
