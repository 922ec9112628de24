package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.openapi.OpenApiDocument;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document and the registered routes describe the same API: no route missing, none invented. */
class OpenApiContractTest {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theDocumentListsExactlyTheRegisteredRoutes() {
        Set<String> registered = node.api.routes().stream()
                .map(e -> e.endpoint.method.name().toUpperCase(Locale.ROOT) + " " + e.endpoint.path)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        JsonNode paths = OpenApiDocument.load().get("paths");
        paths.properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        assertThat(documented).as("documented routes that the app does not serve").isSubsetOf(registered);
        assertThat(registered).as("registered routes missing from openapi.json").isSubsetOf(documented);
    }

    @Test
    void theDocumentIsServedAsOpenApi31WithTheRunningVersion() {
        TestNode.Res r = node.get("/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.get("info").get("version").asText()).isEqualTo("test");
        assertThat(doc.get("paths").size()).isEqualTo(OpenApiDocument.load().get("paths").size());
    }

    @Test
    void everyReferenceInTheDocumentResolves() {
        JsonNode doc = OpenApiDocument.load();
        Set<String> refs = new TreeSet<>();
        collectRefs(doc, refs);
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
