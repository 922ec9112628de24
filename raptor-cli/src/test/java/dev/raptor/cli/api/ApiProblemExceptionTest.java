package dev.raptor.cli.api;

import dev.raptor.cli.ExitCode;
import dev.raptor.wire.client.RaptorProblemException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ApiProblemExceptionTest {

    private static ApiProblemException answer(int status, String contentType, String body) {
        return ApiProblemException.of(RaptorProblemException.fromAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aProblemPrintsTitleDetailAndFieldErrors() {
        var e = answer(400, "application/problem+json", """
                {"type":"urn:raptor:problem:validation","title":"Invalid server spec","status":400,
                 "detail":"2 fields are invalid","errors":[{"field":"limits.memoryMiB","message":"must be at least 6 MiB"},
                 {"field":"allocations[0].port","message":"must be between 1 and 65535"}]}""");
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
                "Invalid server spec: 2 fields are invalid",
                "  limits.memoryMiB: must be at least 6 MiB",
                "  allocations[0].port: must be between 1 and 65535"));
        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void statusesMapToExitCodes() {
        assertThat(answer(404, "application/problem+json", "{\"type\":\"urn:raptor:problem:x\",\"title\":\"Not found\",\"status\":404}")
                .exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(answer(409, "application/problem+json", "{\"type\":\"urn:raptor:problem:x\",\"title\":\"Port conflict\",\"status\":409}")
                .exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(answer(412, "application/problem+json", "{\"type\":\"urn:raptor:problem:x\",\"title\":\"Stale\",\"status\":412}")
                .exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(answer(500, "text/plain", "boom").exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(answer(401, "", "").exitCode()).isEqualTo(ExitCode.FAILURE);
    }

    @Test
    void aNonProblemBodyStillSaysWhatHappened() {
        assertThat(answer(502, "text/html", "Bad gateway from proxy").getMessage())
                .isEqualTo("HTTP 502: Bad gateway from proxy");
        assertThat(answer(401, "", "").getMessage()).contains("RAPTOR_API_KEY");
    }

    @Test
    void aSpecTheRuntimeCannotRunWithoutAStartupCommandPointsAtTheFlag() {
        var e = answer(400, "application/problem+json", """
                {"type":"urn:raptor:problem:validation","title":"Invalid request","status":400,
                 "detail":"startup: the process runtime needs a startup command","errors":[{"field":"startup",
                 "message":"the process runtime needs a startup command"}]}""");
        assertThat(e.getMessage()).endsWith("raptorctl: give the startup command with --startup CMD (or after the image)");
    }
}
