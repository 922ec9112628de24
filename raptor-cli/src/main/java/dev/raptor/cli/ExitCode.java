package dev.raptor.cli;

/**
 * raptorctl's exit codes, so that scripts can tell failures apart:
 * 0 ok, 1 other failure, 2 usage (bad arguments, ambiguous SERVER, a spec the daemon rejects),
 * 3 not found, 4 conflict (409 port or state conflict, 412 version mismatch), 5 daemon unreachable.
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int UNREACHABLE = 5;

    private ExitCode() {
    }

    /** The exit code an HTTP error status means. */
    public static int forStatus(int status) {
        return switch (status) {
            case 404, 410 -> NOT_FOUND;
            case 409, 412 -> CONFLICT;
            case 400, 422 -> USAGE;
            default -> FAILURE;
        };
    }
}
