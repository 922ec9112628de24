package dev.raptor.wire.exec;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An exec request reads into a valid {@link ExecRequest}, or names every bad member at once. */
class ExecRequestDocumentTest {

    private static ExecRequest read(String json, Problems problems) {
        return ExecRequestDocument.read(JsonObjectReader.of(WireJson.parse(json), "", problems));
    }

    @Test
    void aFullRequestReadsAsItSays() {
        Problems p = new Problems();
        ExecRequest r = read("""
                {"command": ["sh", "-c", "ls -la"], "environment": {"DEBUG": "1"}, "workingDir": "/tmp", "user": "1000:1000",
                 "tty": true, "timeoutSeconds": 2.5, "maxOutputBytes": 4096}""", p);
        assertThat(p.isEmpty()).isTrue();
        assertThat(r).isEqualTo(new ExecRequest(List.of("sh", "-c", "ls -la"), Map.of("DEBUG", "1"), "/tmp", "1000:1000", true,
                Duration.ofMillis(2500), 4096));
        assertThat(r.commandLine()).isEqualTo("sh -c 'ls -la'");
    }

    @Test
    void theDefaultsAreThirtySecondsAndOneMebibyteWithoutATerminal() {
        ExecRequest r = read("{\"command\": [\"true\"]}", new Problems());
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.maxOutputBytes()).isEqualTo(1024 * 1024);
        assertThat(r.tty()).isFalse();
        assertThat(r.user()).isNull();
    }

    @Test
    void everyBadMemberIsNamed() {
        Problems p = new Problems();
        assertThat(read("""
                {"command": ["ok", 3], "environment": {"1BAD": "x"}, "workingDir": "tmp", "user": "no spaces", "timeoutSeconds": 0,
                 "maxOutputBytes": 99999999, "shell": true}""", p)).isNull();
        assertThat(p.list()).extracting(FieldError::field).contains("command[1]", "shell");
        Problems q = new Problems();
        assertThat(read("""
                {"command": [], "environment": {"1BAD": "x"}, "workingDir": "tmp", "user": "no spaces", "timeoutSeconds": 0,
                 "maxOutputBytes": 99999999}""", q)).isNull();
        assertThat(q.list()).extracting(FieldError::field)
                .contains("command", "environment.1BAD", "workingDir", "user", "timeoutSeconds", "maxOutputBytes");
    }
}
