package dev.raptor.api.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateCatalog;
import dev.raptor.core.template.TemplateNotFoundException;
import dev.raptor.wire.template.EggReader;
import dev.raptor.wire.template.TemplateDocuments;
import dev.raptor.wire.template.TemplateList;
import io.javalin.http.Context;

import java.time.Instant;

/**
 * Templates: {@code POST /templates} imports an egg (the body is the egg's JSON; {@code ?id=} names the template,
 * otherwise its id comes from the egg's name; {@code ?replace=true} replaces one of the same id),
 * {@code GET /templates}, {@code GET|DELETE /templates/{templateId}}.
 */
public final class TemplateRoutes {
    public static final String PATH = "/api/v1/templates/";

    private final TemplateCatalog templates;
    private final ApiSettings settings;

    public TemplateRoutes(TemplateCatalog templates, ApiSettings settings) {
        this.templates = templates;
        this.settings = settings;
    }

    public void importEgg(Context ctx) {
        String id = Query.text(ctx, "id").orElse(null);
        boolean replace = Query.bool(ctx, "replace").orElse(false);
        JsonNode egg = JsonBody.node(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Template template = templates.save(EggReader.read(egg, id, Instant.now()), replace);
        ctx.header("Location", PATH + template.id());
        Responses.json(ctx, 201, TemplateDocuments.of(template));
    }

    public void list(Context ctx) {
        Responses.json(ctx, 200, new TemplateList(templates.list().stream().map(TemplateDocuments::of).toList()));
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("templateId");
        Responses.json(ctx, 200, TemplateDocuments.of(templates.find(id).orElseThrow(() -> new TemplateNotFoundException(id))));
    }

    public void delete(Context ctx) {
        templates.delete(ctx.pathParam("templateId"));
        ctx.status(204);
    }
}
