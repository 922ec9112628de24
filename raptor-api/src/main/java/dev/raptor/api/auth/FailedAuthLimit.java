package dev.raptor.api.auth;

import dev.raptor.core.security.FailureBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP API's brute-force guard: refused bearer credentials counted per client address (the node's one
 * {@link FailureBackoff}). Past {@link Settings#limit} refusals within the window, the address is answered 429 with
 * {@code Retry-After} until its back-off ends (doubling with each refusal after one, up to
 * {@link Settings#maxBlock}), <em>whatever it sends</em>: a correct key from a blocked address waits too, or the
 * 429 would tell a guesser which guess was right. Other addresses are untouched, and nothing here ever delays a
 * request: an address is refused at once or served at once.
 *
 * <p>Only what could be a guess counts: a key or token that is wrong, forged or unreadable. A missing credential
 * proves nothing, and a token this node signed (expired, say) proves its holder was given one; neither counts. A
 * success does not clear the count either (a guesser holding one valid token could interleave it with guesses);
 * refusals simply age out of the window. Requests over the Unix socket are never counted.
 */
public final class FailedAuthLimit {
    private static final Logger log = LoggerFactory.getLogger(FailedAuthLimit.class);

    /**
     * @param limit      refused credentials from one address within {@code window} before it is blocked; 0 turns the limit off
     * @param window     how long a refusal counts
     * @param firstBlock the first block; each refusal after a block ended doubles the next one
     * @param maxBlock   the longest block
     */
    public record Settings(int limit, Duration window, Duration firstBlock, Duration maxBlock) {
        /** 20 refusals within 10 minutes block an address for 1 minute, then 2, 4... up to 15. */
        public static final Settings DEFAULTS = new Settings(20, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(15));
        /** No limit. */
        public static final Settings OFF = new Settings(0, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(15));

        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(firstBlock, "firstBlock");
            Objects.requireNonNull(maxBlock, "maxBlock");
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be 0 (off) or more");
            }
        }

        public Settings withLimit(int n) {
            return new Settings(n, window, firstBlock, maxBlock);
        }
    }

    private final FailureBackoff addresses;
    private final boolean on;

    public FailedAuthLimit(Settings settings, Clock clock) {
        this.on = settings.limit() > 0;
        this.addresses = new FailureBackoff(new FailureBackoff.Settings(Math.max(1, settings.limit()), settings.window(),
                settings.firstBlock(), settings.maxBlock().compareTo(settings.firstBlock()) < 0 ? settings.firstBlock() : settings.maxBlock(),
                100_000), clock);
    }

    /** How long {@code address} is still blocked (counting this attempt as refused), or empty when it may try. */
    public Optional<Duration> blocked(String address) {
        return on ? addresses.blocked(address) : Optional.empty();
    }

    /** Whether {@code address} is blocked now, looked at without counting anything. */
    public boolean isBlocked(String address) {
        return on && addresses.backoffLeft(address).isPresent();
    }

    /** A refused credential from {@code address}: counted when it could be a guess. */
    public void refused(String address, boolean guess) {
        if (!on || !guess) {
            return;
        }
        FailureBackoff.Failure f = addresses.failed(address);
        f.backoffStarted().ifPresent(block -> log.atWarn().addKeyValue("client", address).addKeyValue("failures", f.failures())
                .addKeyValue("blockSeconds", block.toSeconds())
                .log("too many refused credentials from one address: answering it 429 until the block ends"));
    }

    /** Refused credentials that counted, since start. */
    public long failures() {
        return addresses.failures();
    }

    /** Requests answered 429 because their address was blocked, since start. */
    public long refusals() {
        return addresses.refusals();
    }

    /** Addresses blocked now. */
    public int blockedAddresses() {
        return addresses.blockedKeys();
    }
}
