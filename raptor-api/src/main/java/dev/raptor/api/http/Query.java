package dev.raptor.api.http;

import dev.raptor.api.problem.ProblemException;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Typed query and path parameters; a bad value is a 400 naming the parameter, never a 500. */
public final class Query {
    private Query() {
    }

    /** The last value of a query parameter, if given (an empty value counts as given). */
    public static Optional<String> text(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getLast());
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        Optional<String> v = text(ctx, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.get().strip());
            if (n < min || n > max) {
                throw ProblemException.invalidParameter(name, "must be between " + min + " and " + max + " (was " + n + ")");
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(name, "must be a whole number (was '" + v.get() + "')");
        }
    }

    public static long longValue(Context ctx, String name, long fallback, long min, long max) {
        Optional<String> v = text(ctx, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.get().strip());
            if (n < min || n > max) {
                throw ProblemException.invalidParameter(name, "must be between " + min + " and " + max + " (was " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(name, "must be a whole number (was '" + v.get() + "')");
        }
    }

    /** {@code true}/{@code false} (also {@code 1}/{@code 0}); a bare {@code ?force} means true. */
    public static Optional<Boolean> bool(Context ctx, String name) {
        return text(ctx, name).map(v -> parseBool(name, v));
    }

    public static boolean parseBool(String name, String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ProblemException.invalidParameter(name, "must be true or false (was '" + v + "')");
        };
    }

    /** Seconds as a whole or decimal number, within {@code max}. */
    public static Optional<Duration> seconds(Context ctx, String name, Duration max) {
        return text(ctx, name).map(v -> parseSeconds(name, v, max));
    }

    public static Duration parseSeconds(String name, String v, Duration max) {
        try {
            double s = Double.parseDouble(v.strip());
            if (!(s >= 0) || s > max.toSeconds()) {
                throw ProblemException.invalidParameter(name, "must be between 0 and " + max.toSeconds() + " seconds (was " + v + ")");
            }
            return Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(name, "must be a number of seconds (was '" + v + "')");
        }
    }

    /** The server id of the path; an id that is no UUID names no server (404). */
    public static UUID serverId(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            UUID id = UUID.fromString(raw);
            if (!id.toString().equalsIgnoreCase(raw)) {
                throw new IllegalArgumentException(raw);
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("server " + raw + " does not exist (server ids are UUIDs)");
        }
    }
}
