package dev.raptor.wire.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerSpecJson;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads an import document ({@code POST /state/import}) into an {@link ImportPlan}, recognising the
 * format by its shape: an object with {@code servers} is a Raptor export ({@link StateExportDocument}), an array is the legacy
 * {@code containers.json} ({@link LegacyContainers}), an object with {@code credentials} the legacy
 * {@code ftp_credentials.json} ({@link LegacyFtpCredentials}). All-or-nothing: any bad entry fails the whole
 * document with one {@link InvalidSpecException} naming every problem by path
 * ({@code servers[2].spec.allocations[0].port}, or {@code [2].allocations[0].port} for legacy files).
 * Nothing is written here; a {@link dev.raptor.core.archive.StateArchive} writes a plan in one transaction.
 */
public final class StateDocuments {
    private static final Set<String> DOCUMENT_FIELDS = Set.of("format", "formatVersion", "exportedAt", "servers");
    private static final Set<String> SERVER_FIELDS = Set.of("spec", "version", "desired", "createdAt", "updatedAt");

    private StateDocuments() {
    }

    /**
     * Validates {@code document} and returns what importing it would write.
     *
     * @param clock timestamps for entries that carry none (legacy entries)
     * @throws InvalidSpecException naming every bad entry and field
     */
    public static ImportPlan read(JsonNode document, Clock clock) {
        if (document != null && document.isArray()) {
            return LegacyContainers.read(document, clock);
        }
        if (LegacyFtpCredentials.looksLikeOne(document)) {
            return LegacyFtpCredentials.read(document);
        }
        if (document != null && document.isObject() && (document.has("servers") || document.has("format"))) {
            return readExport(document, clock);
        }
        throw new InvalidSpecException(WireJson.ROOT, "is neither a Raptor export (an object with \"servers\"), a legacy "
                + "containers.json (an array of containers) nor a legacy ftp_credentials.json (an object with \"credentials\")");
    }

    private static ImportPlan readExport(JsonNode document, Clock clock) {
        Problems problems = new Problems();
        JsonObjectReader doc = JsonObjectReader.of(document, "", problems);
        String format = doc.text("format");
        if (format != null && !StateExportDocument.FORMAT.equals(format)) {
            doc.error("format", "must be " + StateExportDocument.FORMAT + " (was '" + format + "')");
        }
        Integer formatVersion = doc.integer("formatVersion");
        if (formatVersion != null && formatVersion > StateExportDocument.FORMAT_VERSION) {
            doc.error("formatVersion", "is " + formatVersion + ", written by a newer Raptor; this one reads up to "
                    + StateExportDocument.FORMAT_VERSION);
        }
        doc.node("exportedAt");
        List<JsonNode> entries = doc.array("servers");
        if (entries == null && !doc.has("servers")) {
            doc.error("servers", "is required");
        }
        doc.rejectUnknown(DOCUMENT_FIELDS, Set.of());

        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<StoredServer> servers = new ArrayList<>();
        Map<UUID, Integer> seen = new HashMap<>();
        for (int i = 0; entries != null && i < entries.size(); i++) {
            JsonObjectReader entry = doc.element("servers", i, entries.get(i));
            if (!entry.isObject()) {
                continue;
            }
            JsonObjectReader specReader = entry.object("spec");
            if (specReader == null && !entry.has("spec")) {
                entry.error("spec", "is required");
            }
            ServerSpec spec = specReader == null ? null : ServerSpecJson.decode(specReader, Set.of());
            Long version = entry.longValue("version");
            if (version != null && version < 1) {
                entry.error("version", "must be at least 1 (was " + version + ")");
            }
            DesiredState desired = entry.choice("desired", DesiredState::parse);
            Instant createdAt = entry.instant("createdAt");
            Instant updatedAt = entry.instant("updatedAt");
            entry.rejectUnknown(SERVER_FIELDS, Set.of());
            if (spec == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(spec.id(), i);
            if (first != null) {
                problems.add(entry.pathOf("spec") + ".id", "repeats the id of servers[" + first + "]");
                continue;
            }
            // The store keeps millisecond timestamps.
            Instant created = createdAt == null ? now : createdAt.truncatedTo(ChronoUnit.MILLIS);
            Instant updated = updatedAt == null ? created : updatedAt.truncatedTo(ChronoUnit.MILLIS);
            servers.add(new StoredServer(spec, version == null || version < 1 ? 1 : version,
                    desired == null ? DesiredState.STOPPED : desired, created, updated));
        }
        problems.throwIfAny();
        return new ImportPlan(ImportFormat.RAPTOR_EXPORT, servers, Map.of(), List.of());
    }
}
