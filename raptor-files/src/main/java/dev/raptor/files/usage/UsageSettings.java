package dev.raptor.files.usage;

import java.time.Clock;
import java.time.Duration;

/**
 * How disk usage is kept fresh.
 *
 * @param refreshEvery a server's figure is rescanned when it is older than this
 * @param scansAtOnce  scans running at once node-wide (each is one low-priority platform thread)
 * @param observer     sees each file a scan counts (tests pause scans with it); {@link TreeSize.Observer#NONE}
 * @param clock        stamps {@link UsageFigure#measuredAt()}
 */
public record UsageSettings(Duration refreshEvery, int scansAtOnce, TreeSize.Observer observer, Clock clock) {

    public static UsageSettings defaults() {
        return new UsageSettings(Duration.ofMinutes(10), 1, TreeSize.Observer.NONE, Clock.systemUTC());
    }

    public UsageSettings withRefreshEvery(Duration d) {
        return new UsageSettings(d, scansAtOnce, observer, clock);
    }

    public UsageSettings withObserver(TreeSize.Observer o) {
        return new UsageSettings(refreshEvery, scansAtOnce, o, clock);
    }
}
