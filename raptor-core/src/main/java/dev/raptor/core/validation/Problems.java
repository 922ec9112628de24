package dev.raptor.core.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects field errors while a spec is checked, so that every bad field is reported at once.
 * Not thread-safe; one instance per validation.
 */
public final class Problems {
    private final List<FieldError> errors = new ArrayList<>();

    public Problems add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public Problems addAll(String parent, List<FieldError> nested) {
        for (FieldError e : nested) {
            errors.add(e.under(parent));
        }
        return this;
    }

    /** Records {@code message} for {@code field} unless {@code ok}. */
    public Problems check(boolean ok, String field, String message) {
        if (!ok) {
            add(field, message);
        }
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }

    /** Throws {@link InvalidSpecException} naming every collected error, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
    }
}
