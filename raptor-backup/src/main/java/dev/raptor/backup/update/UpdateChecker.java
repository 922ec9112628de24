package dev.raptor.backup.update;

import dev.raptor.core.update.UpdateSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks every server's update source for a newer version on the source's interval, and starts the update when the
 * source says {@code auto}. One virtual thread for the node; a check never waits for an update (it runs on its own
 * thread) and never blocks anything else. A source that fails is logged and asked again later, each failure doubling
 * the wait (up to {@link #MAX_BACKOFF}), so a dead source is neither hammered nor logged every tick.
 */
public final class UpdateChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdateChecker.class);
    static final Duration MAX_BACKOFF = Duration.ofHours(6);

    private final UpdateService updates;
    private final Duration tick;
    private final Map<UUID, Due> due = new ConcurrentHashMap<>();
    private final Thread thread;

    /** When a server's source is asked next, and how many checks in a row failed. */
    private record Due(long atNanos, int failures) {
    }

    private UpdateChecker(UpdateService updates, Duration tick) {
        this.updates = updates;
        this.tick = tick;
        this.thread = Thread.ofVirtual().name("update-checker").unstarted(this::loop);
    }

    /** Starts checking; {@code tick} is how often it looks which source is due. */
    public static UpdateChecker start(UpdateService updates, Duration tick) {
        UpdateChecker c = new UpdateChecker(updates, tick);
        c.thread.start();
        return c;
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                checkDue();
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.atWarn().log("update check round failed: " + e);
            }
        }
    }

    /** One round: asks every source that is due. */
    void checkDue() {
        Map<UUID, UpdateSource> sources = updates.sources();
        due.keySet().retainAll(sources.keySet());
        long now = System.nanoTime();
        for (Map.Entry<UUID, UpdateSource> e : sources.entrySet()) {
            UUID id = e.getKey();
            UpdateSource source = e.getValue();
            Due d = due.get(id);
            if (d == null) {
                due.put(id, new Due(now + source.checkEvery().toNanos(), 0)); // first ask one interval after it is set
                continue;
            }
            if (now - d.atNanos() < 0 || updates.running(id)) {
                continue;
            }
            try {
                UpdateManifest m = updates.check(id, null);
                String current = updates.version(id).orElse(null);
                if (!m.version().equals(current)) {
                    if (source.auto()) {
                        log.atInfo().addKeyValue("server", id).addKeyValue("from", current).addKeyValue("to", m.version())
                                .log("a new version is available; updating");
                        updates.update(id, null, UpdateListener.NONE);
                    } else {
                        log.atInfo().addKeyValue("server", id).addKeyValue("from", current).addKeyValue("to", m.version())
                                .log("a new version is available (auto is off: POST /servers/{id}/update applies it)");
                    }
                }
                due.put(id, new Due(now + source.checkEvery().toNanos(), 0));
            } catch (RuntimeException failure) {
                int failures = d.failures() + 1;
                long wait = Math.min(MAX_BACKOFF.toNanos(), source.checkEvery().toNanos() << Math.min(failures, 20));
                due.put(id, new Due(now + wait, failures));
                log.atWarn().addKeyValue("server", id).addKeyValue("failures", failures)
                        .addKeyValue("nextCheckSeconds", wait / 1_000_000_000L).log("update check failed: " + failure.getMessage());
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
