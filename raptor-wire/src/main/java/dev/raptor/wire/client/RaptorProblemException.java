package dev.raptor.wire.client;

import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.http.HttpStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The daemon answered with an error status. {@link #problem()} is its RFC 9457 problem document: what
 * went wrong, and for a bad request every bad field ({@link Problem#errors()}). An error answer that
 * is not a problem document (a proxy's HTML page, say) is read as an {@code about:blank} problem whose
 * {@code detail} is the body's text.
 */
public final class RaptorProblemException extends RaptorException {
    /** The type of a problem read from an error answer that was not a problem document (RFC 9457 §4.2.1). */
    public static final String UNTYPED = "about:blank";

    /** How much of an error answer that is not a problem document is kept as its detail. */
    private static final int MAX_DETAIL = 500;

    private final transient Problem problem;

    public RaptorProblemException(Problem problem) {
        super(message(problem), null);
        this.problem = problem;
    }

    /**
     * The exception for an error answer: its problem document when it is one (JSON whose status matches
     * the answer's), else an {@code about:blank} problem titled by the status, with the body's text (the
     * first {@value #MAX_DETAIL} characters) as its detail.
     */
    public static RaptorProblemException fromAnswer(int status, String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json") && body.length > 0) {
            try {
                Problem p = WireJson.mapper().readValue(body, Problem.class);
                if (p.status() == status) {
                    return new RaptorProblemException(p);
                }
            } catch (IOException | RuntimeException notAProblem) {
                // read below as text
            }
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.length() > MAX_DETAIL) {
            text = text.substring(0, MAX_DETAIL) + "...";
        }
        return new RaptorProblemException(new Problem(UNTYPED, HttpStatus.getMessage(status), status,
                text.isEmpty() ? null : text, null, null, null, null, null, null, null, null, null, null, null));
    }

    /** The HTTP status of the answer. */
    public int status() {
        return problem.status();
    }

    /** The answer's problem document. */
    public Problem problem() {
        return problem;
    }

    /** Whether the answer carried a problem document of the daemon's own (not an {@code about:blank} stand-in). */
    public boolean typed() {
        return !UNTYPED.equals(problem.type());
    }

    private static String message(Problem p) {
        String head = p.status() + " " + p.title();
        return p.detail() == null || p.detail().equals(p.title()) ? head : head + ": " + p.detail();
    }
}
