package dev.raptor.core.power;

import dev.raptor.core.server.DesiredState;

/**
 * Work a {@link ServerController} is asked to do. Operator intents come from the API/CLI and always
 * get an answer; internal intents come from the controller's own supervision (crash recovery,
 * observation) and never supersede an operator's.
 */
public sealed interface Intent {

    /** Human name for logs and answers: {@code start}, {@code apply-spec}... */
    String describe();

    /** The desired state this intent stands for, written to the store before anything runs; null = unchanged. */
    DesiredState desired();

    /** Whether the operator asked for it (as opposed to the controller's own supervision). */
    default boolean operator() {
        return true;
    }

    /** Whether this intent's work is bringing the server up (and so may be cancelled by stop/kill). */
    default boolean bringsUp() {
        return false;
    }

    /** start, stop, restart or kill. */
    record Power(PowerAction action) implements Intent {
        @Override
        public String describe() {
            return action.wireName();
        }

        @Override
        public DesiredState desired() {
            return switch (action) {
                case START, RESTART -> DesiredState.RUNNING;
                case STOP, KILL -> DesiredState.STOPPED;
            };
        }

        @Override
        public boolean bringsUp() {
            return action == PowerAction.START || action == PowerAction.RESTART;
        }
    }

    /** Recreate the container from the stored spec: at once if it runs, otherwise at its next start. */
    record ApplySpec(long version) implements Intent {
        @Override
        public String describe() {
            return "apply-spec";
        }

        @Override
        public DesiredState desired() {
            return null;
        }
    }

    /** Stop (or kill, when forced) and remove the server, its container and its data. */
    record Delete(boolean force) implements Intent {
        @Override
        public String describe() {
            return force ? "delete (forced)" : "delete";
        }

        @Override
        public DesiredState desired() {
            return DesiredState.STOPPED;
        }
    }

    /**
     * Maintenance that needs the server stopped ({@link Maintenance}): a restore, an install. For a restore the
     * desired state is unchanged, so a server that ran runs again after it; an install leaves it stopped, shows
     * {@code installing} while it runs and {@code install-failed} when it fails. Power actions are refused while it
     * waits or runs, except that a kill or a delete cancels an install.
     *
     * @param action  what it is, for answers, logs and {@code busyWith} ({@code restore}, {@code install}, {@code reinstall})
     * @param install whether it is an install
     */
    record Maintain(String action, Maintenance work, boolean install) implements Intent {
        /** Maintenance that brings the server back to its desired state afterwards (a restore). */
        public Maintain(String action, Maintenance work) {
            this(action, work, false);
        }

        @Override
        public String describe() {
            return action;
        }

        /**
         * An install leaves the server stopped (written ahead, so a crash mid-install never starts half-installed
         * files); other maintenance keeps the desired state.
         */
        @Override
        public DesiredState desired() {
            return install ? DesiredState.STOPPED : null;
        }

        /** Whether {@code next} cancels this maintenance instead of being refused: a kill or a delete cancels an install. */
        public boolean cancelledBy(Intent next) {
            return install && (next instanceof Intent.Delete || next instanceof Intent.Power(PowerAction a) && a == PowerAction.KILL);
        }
    }

    /**
     * The controller's own supervision: it changes no desired state and never supersedes an operator's
     * intent.
     */
    sealed interface Internal extends Intent {
        @Override
        default DesiredState desired() {
            return null;
        }

        @Override
        default boolean operator() {
            return false;
        }
    }

    /** Internal: start again after a crash, after a backoff. */
    record Recover(int attempt, java.time.Duration backoff) implements Internal {
        @Override
        public String describe() {
            return "recover";
        }

        @Override
        public boolean bringsUp() {
            return true;
        }
    }

    /** Internal: the health check says unhealthy and the restart policy restarts such a server. */
    record Heal() implements Internal {
        @Override
        public String describe() {
            return "restart (unhealthy)";
        }

        @Override
        public boolean bringsUp() {
            return true;
        }
    }

    /** Internal: look at the engine and bring the observed state in line with the facts. */
    record Observe(String why) implements Internal {
        @Override
        public String describe() {
            return "observe (" + why + ")";
        }
    }

    /** Internal: converge to the stored desired state (boot reconciliation). */
    record Converge(String why) implements Internal {
        @Override
        public String describe() {
            return "converge (" + why + ")";
        }

        @Override
        public boolean bringsUp() {
            return true;
        }
    }
}
