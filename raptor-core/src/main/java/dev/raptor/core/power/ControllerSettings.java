package dev.raptor.core.power;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the per-server controllers. The defaults suit production; tests shorten the backoff.
 *
 * @param volumesRoot    directory holding one data directory per server ({@code <root>/<uuid>})
 * @param engineTimeout  deadline of an ordinary engine call (inspect, start, kill...)
 * @param createTimeout  deadline of a container create (may include an image pull)
 * @param killWait       how long to wait for the exit after a SIGKILL before calling the kill failed
 * @param crashWindow    crashes older than this are forgotten when counting towards a crash loop
 * @param backoffBase    first restart delay after a crash; doubles with each further crash
 * @param backoffMax     the longest restart delay
 * @param observeEvery   how often an idle controller re-checks the engine (a backstop for lost events)
 * @param diskTimeout    how long a controller waits for disk work on a data directory (making it, deleting it);
 *                       a deletion still going on then finishes in the background
 * @param engineSlots    how many container creates, starts and removals the controllers have in flight at once
 *                       ({@link EngineSlots}; kills, signals, stops and reads are never held back)
 * @param slotWait       how long such a call may wait for a slot before its intent fails; its own deadline
 *                       ({@code engineTimeout}, {@code createTimeout}) starts once it holds one
 */
public record ControllerSettings(Path volumesRoot, Duration engineTimeout, Duration createTimeout, Duration killWait,
                                 Duration crashWindow, Duration backoffBase, Duration backoffMax, Duration observeEvery,
                                 Duration diskTimeout, int engineSlots, Duration slotWait) {

    public ControllerSettings {
        Objects.requireNonNull(volumesRoot, "volumesRoot");
        Objects.requireNonNull(engineTimeout, "engineTimeout");
        Objects.requireNonNull(createTimeout, "createTimeout");
        Objects.requireNonNull(killWait, "killWait");
        Objects.requireNonNull(crashWindow, "crashWindow");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(observeEvery, "observeEvery");
        Objects.requireNonNull(diskTimeout, "diskTimeout");
        Objects.requireNonNull(slotWait, "slotWait");
        if (engineSlots < 1) {
            throw new IllegalArgumentException("engineSlots must be at least 1, not " + engineSlots);
        }
    }

    public static ControllerSettings defaults(Path volumesRoot) {
        return new ControllerSettings(volumesRoot, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(15),
                Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
                defaultEngineSlots(Runtime.getRuntime().availableProcessors()), Duration.ofMinutes(10));
    }

    /**
     * Two heavy engine calls per core, at least four: a create or start keeps the engine, its shim and the storage
     * driver busy on the CPU, so more at once only make each slower (past its deadline, in a burst), while a few
     * at once keep the engine's own waits (disk, network setup) overlapped.
     */
    static int defaultEngineSlots(int cores) {
        return Math.max(4, 2 * cores);
    }

    public ControllerSettings withBackoff(Duration base, Duration max) {
        return new ControllerSettings(volumesRoot, engineTimeout, createTimeout, killWait, crashWindow, base, max, observeEvery, diskTimeout, engineSlots, slotWait);
    }

    public ControllerSettings withEngineTimeout(Duration timeout) {
        return new ControllerSettings(volumesRoot, timeout, createTimeout, killWait, crashWindow, backoffBase, backoffMax, observeEvery, diskTimeout, engineSlots, slotWait);
    }

    public ControllerSettings withObserveEvery(Duration every) {
        return new ControllerSettings(volumesRoot, engineTimeout, createTimeout, killWait, crashWindow, backoffBase, backoffMax, every, diskTimeout, engineSlots, slotWait);
    }

    public ControllerSettings withDiskTimeout(Duration timeout) {
        return new ControllerSettings(volumesRoot, engineTimeout, createTimeout, killWait, crashWindow, backoffBase, backoffMax, observeEvery, timeout, engineSlots, slotWait);
    }

    /** At most {@code slots} creates, starts and removals in flight at once, each waiting at most {@code wait} for its turn. */
    public ControllerSettings withEngineSlots(int slots, Duration wait) {
        return new ControllerSettings(volumesRoot, engineTimeout, createTimeout, killWait, crashWindow, backoffBase, backoffMax, observeEvery, diskTimeout, slots, wait);
    }

    /** Restart delay before the {@code attempt}-th restart (1-based): base, 2×base, 4×base..., capped. */
    public Duration backoff(int attempt) {
        long factor = 1L << Math.min(20, Math.max(0, attempt - 1));
        Duration d = backoffBase.multipliedBy(factor);
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
