package dev.raptor.core.validation;

import java.util.Objects;

/**
 * One thing wrong with one field of a request or a spec.
 *
 * @param field   the field's path as a client wrote it, e.g. {@code allocations[1].port}
 * @param message what is wrong, in words an operator understands
 */
public record FieldError(String field, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** The same error under a parent path: {@code port} under {@code allocations[1]}. */
    public FieldError under(String parent) {
        if (parent == null || parent.isEmpty()) {
            return this;
        }
        return new FieldError(field.isEmpty() ? parent : field.startsWith("[") ? parent + field : parent + "." + field, message);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
