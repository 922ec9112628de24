package dev.raptor.core.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec or request was refused. Names every bad field at once, so a panel can show them all
 * instead of making the user fix one error per round trip.
 */
public final class InvalidSpecException extends IllegalArgumentException {
    private final List<FieldError> errors;

    public InvalidSpecException(List<FieldError> errors) {
        super(describe(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an InvalidSpecException needs at least one field error");
        }
        this.errors = List.copyOf(errors);
    }

    public InvalidSpecException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        return "invalid spec: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }
}
