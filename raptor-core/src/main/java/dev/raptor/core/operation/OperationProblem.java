package dev.raptor.core.operation;

import java.util.Objects;

/**
 * Why a file operation was refused, in the terms of the problem a request would have got: its HTTP status and
 * problem type slug ({@code quota-exceeded}, {@code path-outside-root}...). The words are the operation's
 * {@code reason}.
 *
 * @param status the HTTP status of the problem (4xx, 507)
 * @param type   the problem type's slug
 */
public record OperationProblem(int status, String type) {
    public OperationProblem {
        Objects.requireNonNull(type, "type");
    }
}
