package dev.raptor.api.auth;

import java.util.Objects;

/**
 * A bearer credential that is not a valid server token. The {@link #reason} and the message say exactly what
 * failed, for the daemon's debug log only: a client is answered the same 401 whatever the reason, so that a forger
 * learns nothing from it.
 */
public final class InvalidTokenException extends RuntimeException {
    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** Why a token was refused, in the order the checks run. */
    public enum Reason {
        /** Not a compact JWS, not base64url or JSON, or too long. */
        MALFORMED(true),
        /** An algorithm other than HS256 ({@code none}, RS256, ES256... with our HMAC key), or a wrong {@code typ}. */
        ALGORITHM(true),
        /** A key id this node never had, or no longer has. */
        UNKNOWN_KEY(true),
        /** The signature does not verify under the key it names. */
        SIGNATURE(true),
        /** Signed by a previous token secret whose rotation window has ended. */
        RETIRED_KEY(false),
        /** Signed by this node, but its claims are not a server token's (issuer, subject, times). */
        CLAIMS(false),
        /** Issued further in the future than the clock skew allows, or living longer than the longest lifetime. */
        LIFETIME(false),
        /** Past its expiry. */
        EXPIRED(false);

        private final boolean guess;

        Reason(boolean guess) {
            this.guess = guess;
        }

        /**
         * Whether the credential could be a guess: it failed before its signature verified. A token this node signed
         * (expired, say) proves its holder was given one, so it does not count against the client's address.
         */
        public boolean guess() {
            return guess;
        }
    }
}
