package dev.raptor.api.gateway;

import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.core.messaging.MessagingException;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.socketio.GatewayError;
import dev.raptor.wire.socketio.GatewayErrorType;

import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A failure as the gateway's {@link GatewayError}: the REST API's own mapping of failures to problems
 * ({@link ProblemMapper}, so both APIs say the same things), its status turned into the error type.
 */
final class GatewayErrors {
    private final ProblemMapper problems;

    GatewayErrors(ProblemMapper problems) {
        this.problems = problems;
    }

    GatewayError of(Throwable t, UUID containerId, String operation) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        String id = containerId == null ? null : containerId.toString();
        return switch (e) {
            case GatewayGrant.Denied d -> GatewayError.of(GatewayErrorType.PERMISSION_DENIED, d.getMessage(), id, operation);
            case InvalidSpecException v -> GatewayError.of(GatewayErrorType.VALIDATION_ERROR, problems.map(v).detail(), id, operation)
                    .withFields(v.errors());
            case MessagingException m -> GatewayError.of(m.reason() == MessagingException.Reason.INVALID
                    ? GatewayErrorType.VALIDATION_ERROR : GatewayErrorType.SOCKET_ERROR, m.getMessage(), id, operation);
            default -> {
                Problem p = problems.map(e);
                yield GatewayError.of(typeOf(p), p.detail(), id, operation);
            }
        };
    }

    private static GatewayErrorType typeOf(Problem p) {
        return switch (p.status()) {
            case 400, 413, 415 -> GatewayErrorType.VALIDATION_ERROR;
            case 401, 403 -> GatewayErrorType.PERMISSION_DENIED;
            case 404 -> p.slug().startsWith("engine") ? GatewayErrorType.DOCKER_API_ERROR : GatewayErrorType.NOT_FOUND;
            case 409, 412 -> p.slug().startsWith("engine") ? GatewayErrorType.DOCKER_API_ERROR : GatewayErrorType.CONFLICT;
            case 422, 502, 503, 504 -> GatewayErrorType.DOCKER_API_ERROR;
            default -> GatewayErrorType.INTERNAL_ERROR;
        };
    }
}
