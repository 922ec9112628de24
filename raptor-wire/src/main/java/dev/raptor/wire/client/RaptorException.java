package dev.raptor.wire.client;

/**
 * Why a {@link RaptorClient} call did not get the answer it asked for; one of three kinds, so that a
 * caller can tell "the daemon said no" from "no daemon there" from "the exchange broke":
 * <ul>
 *   <li>{@link RaptorProblemException}: the daemon answered with an error status and its RFC 9457 problem;</li>
 *   <li>{@link RaptorUnreachableException}: no connection could be made (nothing listens, no permission,
 *       the connect timed out); nothing reached the daemon;</li>
 *   <li>{@link RaptorIoException}: the connection broke, the answer did not come within the call's
 *       deadline, or it was not what the API promises; the request may or may not have taken effect.</li>
 * </ul>
 */
public abstract sealed class RaptorException extends RuntimeException
        permits RaptorProblemException, RaptorUnreachableException, RaptorIoException {

    RaptorException(String message, Throwable cause) {
        super(message, cause);
    }
}
