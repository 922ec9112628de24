package dev.raptor.core.testing;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.PortInUse;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.runtime.EngineException;

import java.time.Duration;
import java.util.UUID;

/**
 * How a {@link FakeEngine} answers some of its calls, as a test scripts it:
 * {@code engine.on(Verb.CREATE).forServer(id).once().hang()}. A rule applies to the calls of its verb
 * (and server, if given) until it has been used {@link #times} times, then it is spent; the first live
 * rule of a verb wins, in the order the rules were made.
 */
public final class CallRule {
    private final FakeEngine engine;
    final FakeEngine.Verb verb;
    UUID serverId;
    int remaining = -1;
    Action action;

    /** What a rule does to a call. */
    sealed interface Action {
        /** The call takes this long (and times out if its deadline comes first). */
        record Delay(Duration delay) implements Action {
        }

        /**
         * The call never answers: it ends at its deadline (or when the caller abandons it) with a timeout,
         * or when the test releases it. When it {@code lands}, the engine carries the call out anyway at
         * that moment, as a real engine finishes work whose caller has gone.
         */
        record Hang(boolean lands) implements Action {
        }

        /** The call fails at once. */
        record Fail(Failure failure, String message) implements Action {
        }

        /** The call is carried out, then {@code after} happens on the engine before the call returns. */
        record Then(Runnable after) implements Action {
        }
    }

    /** The typed failures of the runtime SPI. */
    public enum Failure {
        NOT_FOUND, CONFLICT, UNAVAILABLE, TIMEOUT, REJECTED, NOT_SUPPORTED,
        /** A start the engine refuses because host port {@link #TAKEN_PORT} is taken (Docker's "port is already allocated"). */
        PORT_IN_USE;

        /** The port a {@link #PORT_IN_USE} failure names. */
        public static final Allocation TAKEN_PORT = Allocation.primary("0.0.0.0", 25565, Protocol.TCP);

        EngineException of(UUID serverId, String operation, String message) {
            return switch (this) {
                case NOT_FOUND -> new EngineException.NotFound(serverId, operation, message, null);
                case CONFLICT -> new EngineException.Conflict(serverId, operation, message, null);
                case UNAVAILABLE -> new EngineException.Unavailable(serverId, operation, message, null);
                case TIMEOUT -> new EngineException.Timeout(serverId, operation, message, null);
                case REJECTED -> new EngineException.Rejected(serverId, operation, message, null);
                case NOT_SUPPORTED -> new EngineException.NotSupported(serverId, operation, message);
                case PORT_IN_USE -> new EngineException.Conflict(serverId, operation, message, null, new PortInUse(TAKEN_PORT, null, null));
            };
        }
    }

    CallRule(FakeEngine engine, FakeEngine.Verb verb) {
        this.engine = engine;
        this.verb = verb;
    }

    /** Only calls about this server. */
    public CallRule forServer(UUID id) {
        this.serverId = id;
        return this;
    }

    /** Only the next {@code n} matching calls (default: all of them). */
    public CallRule times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        this.remaining = n;
        return this;
    }

    public CallRule once() {
        return times(1);
    }

    /** Each call takes {@code delay} before it is carried out; past its deadline it times out instead. */
    public void delay(Duration delay) {
        arm(new Action.Delay(delay));
    }

    /** Each call hangs until its deadline, until its caller abandons it, or until {@link FakeEngine#releaseHangs}. */
    public void hang() {
        arm(new Action.Hang(false));
    }

    /** Like {@link #hang()}, but the engine carries the call out when it is abandoned or released. */
    public void hangThenLand() {
        arm(new Action.Hang(true));
    }

    /** Each call fails with {@code failure}. */
    public void fail(Failure failure) {
        arm(new Action.Fail(failure, "scripted " + failure.name().toLowerCase().replace('_', ' ')));
    }

    /**
     * Each call is carried out as usual, then {@code after} happens before the call returns to its caller: something
     * the server does the instant after the engine answered (a line printed between a history read and the next call).
     */
    public void then(Runnable after) {
        arm(new Action.Then(after));
    }

    private void arm(Action a) {
        this.action = a;
        engine.addRule(this);
    }

    /** Whether this rule takes a call of its verb about {@code id}; uses it up by one if so. Caller holds the engine's lock. */
    boolean take(UUID id) {
        if (remaining == 0 || (serverId != null && !serverId.equals(id))) {
            return false;
        }
        if (remaining > 0) {
            remaining--;
        }
        return true;
    }
}
