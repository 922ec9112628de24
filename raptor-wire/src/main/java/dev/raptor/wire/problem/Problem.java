package dev.raptor.wire.problem;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.validation.FieldError;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An RFC 9457 problem document, the body of every error answer ({@code application/problem+json}).
 * The members after the standard ones are the extensions some problems carry; absent ones are not written.
 *
 * @param type           URI naming the kind of problem, {@code urn:raptor:problem:<slug>}
 * @param title          short summary of the kind, the same for every occurrence
 * @param status         the HTTP status
 * @param detail         what went wrong this time, in words an operator understands
 * @param errors         validation and bad parameters: every bad field, by path ({@code allocations[1].port})
 * @param line           malformed JSON: where the parser stopped
 * @param column         malformed JSON: where the parser stopped
 * @param serverId       the server the problem is about (not found, exists, not running)
 * @param currentVersion a stale {@code If-Match}: the version the server is at
 * @param conflictsWith  a port conflict or a taken name: the server that holds the port or the name
 * @param heldBy         a port in use: the program that holds it
 * @param allowedMethods a wrong method: those the route takes (also the {@code Allow} header)
 * @param maxBytes       a body too large: the limit
 * @param incident       an unexpected failure: the id the daemon's log repeats with the details
 * @param error          a rejected bearer credential: the RFC 6750 error code ({@code invalid_token})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, Long line,
                      Long column, String serverId, Long currentVersion, ConflictingServer conflictsWith,
                      PortHolder heldBy, String allowedMethods, Long maxBytes, String incident, String error) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:raptor:problem:";

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        errors = errors == null ? null : List.copyOf(errors);
    }

    /** A problem of kind {@code urn:raptor:problem:<slug>} without extensions. */
    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same problem listing field errors under {@code errors}: {@code [{"field": ..., "message": ...}]}. */
    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, fieldErrors, line, column, serverId, currentVersion, conflictsWith, heldBy,
                allowedMethods, maxBytes, incident, error);
    }

    public Problem withLocation(long atLine, long atColumn) {
        return new Problem(type, title, status, detail, errors, atLine, atColumn, serverId, currentVersion, conflictsWith, heldBy,
                allowedMethods, maxBytes, incident, error);
    }

    public Problem withServerId(UUID server) {
        return new Problem(type, title, status, detail, errors, line, column, server.toString(), currentVersion,
                conflictsWith, heldBy, allowedMethods, maxBytes, incident, error);
    }

    public Problem withCurrentVersion(long version) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, version, conflictsWith, heldBy,
                allowedMethods, maxBytes, incident, error);
    }

    public Problem withConflictsWith(ConflictingServer holder) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, holder, heldBy,
                allowedMethods, maxBytes, incident, error);
    }

    public Problem withHeldBy(PortHolder holder) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, conflictsWith, holder,
                allowedMethods, maxBytes, incident, error);
    }

    public Problem withAllowedMethods(String methods) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, conflictsWith, heldBy,
                methods, maxBytes, incident, error);
    }

    public Problem withMaxBytes(long limit) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, conflictsWith, heldBy,
                allowedMethods, limit, incident, error);
    }

    public Problem withIncident(String id) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, conflictsWith, heldBy,
                allowedMethods, maxBytes, id, error);
    }

    public Problem withError(String code) {
        return new Problem(type, title, status, detail, errors, line, column, serverId, currentVersion, conflictsWith, heldBy,
                allowedMethods, maxBytes, incident, code);
    }

    /** The slug after {@link #TYPE_PREFIX}, e.g. {@code validation}. */
    @JsonIgnore
    public String slug() {
        return type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }
}
