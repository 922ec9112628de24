package dev.raptor.api.problem;

import dev.raptor.core.validation.FieldError;
import dev.raptor.wire.problem.Problem;

import java.util.List;

/** Ends a request with a problem answer; thrown by request parsing and handlers for client errors. */
public final class ProblemException extends RuntimeException {
    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String slug, String title, String detail) {
        return new ProblemException(Problem.of(400, slug, title, detail));
    }

    /** A bad query parameter or header: a 400 naming it under {@code errors}. */
    public static ProblemException invalidParameter(String name, String message) {
        return new ProblemException(Problem.of(400, "invalid-parameter", "Invalid request parameter", name + ": " + message)
                .withErrors(List.of(new FieldError(name, message))));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", detail));
    }
}
