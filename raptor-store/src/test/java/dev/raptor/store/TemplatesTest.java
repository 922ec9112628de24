package dev.raptor.store;

import dev.raptor.core.install.InstallScript;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateExistsException;
import dev.raptor.core.template.TemplateNotFoundException;
import dev.raptor.core.template.TemplateVariable;
import dev.raptor.core.template.VariableRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Templates kept in SQLite (schema 8). */
class TemplatesTest {
    @TempDir
    Path dataDir;

    private static Template template(String id, String name) {
        Map<String, String> images = new LinkedHashMap<>();
        images.put("Z first", "game:2");
        images.put("A second", "game:1");
        return new Template(id, name, "desc", "me", images, "run {{A}}", StopPolicy.signal("SIGINT", Duration.ofSeconds(12)),
                "Done", new InstallScript("installer:1", "ash", "echo hi\n"),
                List.of(new TemplateVariable("A", "the a", "A", "1", true, false, VariableRules.parse("required|regex:/^[0-9|]+$/"))),
                "PTDL_v2", Instant.parse("2026-01-02T03:04:05.678Z"));
    }

    @Test
    void aTemplateIsKeptWholeAcrossARestart() {
        Template t = template("craft", "Craft");
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            store.templates().save(t, false);
        }
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            Template back = store.templates().find("craft").orElseThrow();
            assertThat(back).isEqualTo(t);
            assertThat(back.images().keySet()).containsExactly("Z first", "A second");
        }
    }

    @Test
    void aSecondImportOfTheSameIdIsRefusedUnlessItReplaces() {
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            store.templates().save(template("craft", "Craft"), false);
            assertThatThrownBy(() -> store.templates().save(template("craft", "Other"), false)).isInstanceOf(TemplateExistsException.class);
            assertThat(store.templates().find("craft").orElseThrow().name()).isEqualTo("Craft");
            store.templates().save(template("craft", "Other"), true);
            assertThat(store.templates().find("craft").orElseThrow().name()).isEqualTo("Other");
        }
    }

    @Test
    void listAndDelete() {
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            store.templates().save(template("b", "B"), false);
            store.templates().save(template("a", "A"), false);
            assertThat(store.templates().list()).extracting(Template::id).containsExactly("a", "b");
            store.templates().delete("a");
            assertThat(store.templates().find("a")).isEmpty();
            assertThatThrownBy(() -> store.templates().delete("a")).isInstanceOf(TemplateNotFoundException.class);
        }
    }
}
