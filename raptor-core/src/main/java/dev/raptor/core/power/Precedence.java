package dev.raptor.core.power;

/**
 * The rules of "precedence, never silence" (rule 4) as pure functions of intents, so that they can be
 * read and tested in one place. The controller applies them atomically as an intent arrives:
 * <ul>
 *   <li>an operator's intent supersedes every intent still queued (they coalesce to the latest word);
 *       the controller's own supervision never queues behind or over queued work, which looks at the
 *       engine anyway ({@link #joinsQueue});</li>
 *   <li>some intents pre-empt the operation in flight instead of waiting for it ({@link #preempts}).</li>
 * </ul>
 */
final class Precedence {
    private Precedence() {
    }

    /**
     * Whether {@code next} interrupts {@code running} instead of waiting for it: {@code kill} and a forced
     * delete pre-empt anything; {@code stop}, {@code restart} and {@code delete} cancel work that brings the
     * server up (a start still booting); {@code start} cancels the controller's own work (a recovery); the
     * controller's own intents pre-empt nothing.
     */
    static boolean preempts(Intent next, Intent running) {
        return switch (next) {
            case Intent.Power(PowerAction a) when a == PowerAction.KILL -> true;
            case Intent.Delete d when d.force() -> true;
            case Intent.Power(PowerAction a) when a == PowerAction.STOP || a == PowerAction.RESTART -> running.bringsUp();
            case Intent.Delete d -> running.bringsUp() || running instanceof Intent.Maintain m && m.cancelledBy(d);
            case Intent.Power(PowerAction a) when a == PowerAction.START -> !running.operator();
            default -> false;
        };
    }

    /**
     * Whether {@code incoming} joins the queue: an operator's intent always does (after superseding what
     * waits), the controller's own only when nothing waits.
     */
    static boolean joinsQueue(Intent incoming, boolean queueEmpty) {
        return incoming.operator() || queueEmpty;
    }
}
