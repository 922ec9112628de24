package dev.raptor.wire.template;

import dev.raptor.core.install.InstallScript;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateVariable;
import dev.raptor.wire.server.Seconds;
import dev.raptor.wire.server.StopDocument;

/** A {@link Template} as its {@link TemplateDocument}. */
public final class TemplateDocuments {
    private TemplateDocuments() {
    }

    public static TemplateDocument of(Template t) {
        StopPolicy s = t.stopPolicy();
        InstallScript i = t.install();
        return new TemplateDocument(t.id(), t.name(), t.description(), t.author(), t.images(), t.startup(),
                new StopDocument(s.type(), s.value(), Seconds.of(s.timeout()), null, null), t.readyPattern(),
                i == null ? null : new InstallScriptDocument(i.image(), i.entrypoint(), i.script()),
                t.variables().stream().map(TemplateDocuments::of).toList(), t.format(), t.importedAt());
    }

    private static TemplateVariableDocument of(TemplateVariable v) {
        return new TemplateVariableDocument(v.name(), v.description(), v.envVariable(), v.defaultValue(), v.userViewable(),
                v.userEditable(), v.rules().text());
    }
}
