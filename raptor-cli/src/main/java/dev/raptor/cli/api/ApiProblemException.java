package dev.raptor.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;

import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the daemon, read from its RFC 9457 {@code application/problem+json} body
 * ({@code title}, {@code detail}, {@code errors} listing field paths). The exit code follows the status.
 */
public final class ApiProblemException extends CliException {
    private final int status;
    private final String title;
    private final String detail;
    private final List<String> fieldErrors;

    public ApiProblemException(int status, String title, String detail, List<String> fieldErrors) {
        super(ExitCode.forStatus(status), render(status, title, detail, fieldErrors));
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    /** Builds the exception from any error body: a problem document, other JSON, or plain text. */
    public static ApiProblemException from(int status, String contentType, String body) {
        String title = null;
        String detail = null;
        List<String> errors = new ArrayList<>();
        if (contentType.contains("json") && !body.isBlank()) {
            try {
                JsonNode n = Json.MAPPER.readTree(body);
                title = textOrNull(n.get("title"));
                detail = textOrNull(n.get("detail"));
                if (title == null && detail == null) {
                    detail = textOrNull(n.get("message"));
                    if (detail == null) {
                        detail = textOrNull(n.get("error"));
                    }
                }
                JsonNode list = n.get("errors");
                if (list != null && list.isArray()) {
                    for (JsonNode e : list) {
                        errors.add(fieldError(e));
                    }
                } else if (list != null && list.isObject()) {
                    list.properties().forEach(p -> errors.add(p.getKey() + ": " + p.getValue().asText()));
                }
            } catch (Exception e) {
                detail = body.strip();
            }
        } else if (!body.isBlank()) {
            detail = body.strip();
        }
        if (title == null) {
            title = reason(status);
        }
        return new ApiProblemException(status, title, detail, errors);
    }

    private static String fieldError(JsonNode e) {
        if (!e.isObject()) {
            return e.asText();
        }
        String field = textOrNull(e.get("field"));
        if (field == null) {
            field = textOrNull(e.get("path"));
        }
        if (field == null) {
            field = textOrNull(e.get("pointer"));
        }
        String message = textOrNull(e.get("message"));
        if (message == null) {
            message = textOrNull(e.get("detail"));
        }
        if (message == null) {
            message = e.toString();
        }
        return field == null ? message : field + ": " + message;
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    private static String render(int status, String title, String detail, List<String> errors) {
        StringBuilder sb = new StringBuilder(title == null ? reason(status) : title);
        if (detail != null && !detail.equals(title)) {
            sb.append(": ").append(detail);
        }
        for (String e : errors) {
            if (detail == null || !detail.contains(e)) { // a detail that already says it needs no repeat
                sb.append(System.lineSeparator()).append("  ").append(e);
            }
        }
        if (errors.stream().anyMatch(e -> e.startsWith("startup: "))) {
            sb.append(System.lineSeparator()).append("  raptorctl: give the startup command with --startup CMD (or after the image)");
        }
        return sb.toString();
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized (set RAPTOR_API_KEY or --api-key)";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 412 -> "Precondition failed";
            case 413 -> "Request too large";
            case 415 -> "Unsupported media type";
            case 422 -> "Unprocessable request";
            case 500 -> "Daemon error";
            case 503 -> "Daemon unavailable";
            default -> "HTTP " + status;
        };
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public List<String> fieldErrors() {
        return fieldErrors;
    }
}
