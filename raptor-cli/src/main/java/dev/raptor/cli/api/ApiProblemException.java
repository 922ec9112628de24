package dev.raptor.cli.api;

import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.core.validation.FieldError;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.problem.Problem;

import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the daemon, as raptorctl reports it: the problem's title and detail, then each
 * bad field on a line of its own ({@code limits.memoryMiB: must be at least 6 MiB}). The exit code
 * follows the status.
 */
public final class ApiProblemException extends CliException {
    private final transient Problem problem;

    private ApiProblemException(Problem problem, String message) {
        super(ExitCode.forStatus(problem.status()), message);
        this.problem = problem;
    }

    /** The CLI's report of the daemon's answer. */
    public static ApiProblemException of(RaptorProblemException e) {
        return of(e.problem(), e.typed());
    }

    /**
     * @param typed whether the problem is the daemon's own; an untyped one (an error answer that was no
     *              problem document) is titled by its status the way raptorctl names statuses
     */
    static ApiProblemException of(Problem p, boolean typed) {
        String title = typed ? p.title() : reason(p.status());
        List<String> errors = new ArrayList<>();
        if (p.errors() != null) {
            for (FieldError f : p.errors()) {
                errors.add(f.field() == null || f.field().isEmpty() ? f.message() : f.field() + ": " + f.message());
            }
        }
        return new ApiProblemException(p, render(title, p.detail(), errors));
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    private static String render(String title, String detail, List<String> errors) {
        StringBuilder sb = new StringBuilder(title);
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
}
