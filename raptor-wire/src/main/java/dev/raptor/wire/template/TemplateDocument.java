package dev.raptor.wire.template;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.server.StopDocument;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A template (an imported egg): {@code POST /templates} answers it, {@code GET /templates/{id}} reads it.
 *
 * @param images       label to image; the first is what a server gets when it names none
 * @param readyPattern the regular expression that ends a boot; absent = none
 * @param install      the install script; absent = nothing to install
 * @param format       the egg format it was imported from ({@code PTDL_v1}, {@code PTDL_v2})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateDocument(String id, String name, String description, String author, Map<String, String> images,
                               String startup, StopDocument stop, String readyPattern, InstallScriptDocument install,
                               List<TemplateVariableDocument> variables, String format, Instant importedAt) {
}
