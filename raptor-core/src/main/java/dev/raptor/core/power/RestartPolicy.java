package dev.raptor.core.power;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What Raptor does when a server exits on its own. Raptor supervises restarts itself (the engine's
 * restart policy stays off) so that backoff, crash loops and desired state live in one place.
 *
 * @param mode       when to restart
 * @param maxRetries  for {@link Mode#ON_FAILURE}: restarts before the server is declared crash-looping (1–100)
 * @param onUnhealthy whether a running server whose health check turns unhealthy is restarted (whatever the mode)
 */
public record RestartPolicy(Mode mode, int maxRetries, boolean onUnhealthy) {

    public enum Mode {
        /** Never restart; an exit leaves the server offline. */
        NO,
        /** Restart after a non-zero exit, up to {@code maxRetries} times within the crash window. */
        ON_FAILURE,
        /** Restart after any exit the operator did not ask for. */
        UNLESS_STOPPED,
        /** Restart after any exit the operator did not ask for (Raptor never restarts a server it was told to stop). */
        ALWAYS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Mode parse(String text) {
            if (text != null) {
                String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
                for (Mode m : values()) {
                    if (m.name().equals(t)) {
                        return m;
                    }
                }
            }
            throw new IllegalArgumentException("restart policy must be one of no, on-failure, unless-stopped, always (was '" + text + "')");
        }
    }

    public static final int DEFAULT_MAX_RETRIES = 3;

    public RestartPolicy {
        Objects.requireNonNull(mode, "mode");
    }

    /** A policy that leaves an unhealthy server alone. */
    public RestartPolicy(Mode mode, int maxRetries) {
        this(mode, maxRetries, false);
    }

    public RestartPolicy withOnUnhealthy(boolean restart) {
        return new RestartPolicy(mode, maxRetries, restart);
    }

    /**
     * Without {@code onUnhealthy}, the text of the policy before it had that member: {@link
     * dev.raptor.core.runtime.SpecHash} digests a spec's text, and a server's container must not be recreated
     * because a Raptor upgrade spelled its unchanged policy differently.
     */
    @Override
    public String toString() {
        return "RestartPolicy[mode=" + mode + ", maxRetries=" + maxRetries + (onUnhealthy ? ", onUnhealthy=true" : "") + "]";
    }

    public static RestartPolicy no() {
        return new RestartPolicy(Mode.NO, 0);
    }

    public static RestartPolicy onFailure(int maxRetries) {
        return new RestartPolicy(Mode.ON_FAILURE, maxRetries);
    }

    public static RestartPolicy unlessStopped() {
        return new RestartPolicy(Mode.UNLESS_STOPPED, DEFAULT_MAX_RETRIES);
    }

    public static RestartPolicy always() {
        return new RestartPolicy(Mode.ALWAYS, DEFAULT_MAX_RETRIES);
    }

    /** Whether an exit with {@code exitCode} that nobody asked for should be followed by a restart. */
    public boolean restartsAfter(int exitCode) {
        return switch (mode) {
            case NO -> false;
            case ON_FAILURE -> exitCode != 0;
            case UNLESS_STOPPED, ALWAYS -> true;
        };
    }

    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(maxRetries >= 0 && maxRetries <= 100, "maxRetries", "must be between 0 and 100 (was " + maxRetries + ")");
        p.check(mode != Mode.ON_FAILURE || maxRetries >= 1, "maxRetries", "on-failure needs at least 1 retry");
        return p.list();
    }
}
