package dev.raptor.backup.schedule;

import dev.raptor.backup.BackupException;
import dev.raptor.backup.BackupPublisher;
import dev.raptor.backup.BackupRequest;
import dev.raptor.backup.ServerBackups;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Keeps the {@link BackupScheduler} fed from the servers' specs: every server whose {@code backups.schedule} names
 * one is scheduled, from boot on and as specs are created, changed and deleted (the fleet's events). Each schedule
 * counts from the server's newest backup in the store, so schedules outlive a daemon restart: a backup that came due
 * while the daemon was down is made once at boot, and an {@code @every} interval does not start over.
 *
 * <p>It also teaches the fleet the schedule's syntax ({@link ServerFleet#addSpecCheck}): a spec whose schedule is no
 * schedule is refused when it is created, changed or imported, naming {@code backups.schedule}.
 */
public final class ScheduledBackups implements BackupTimetable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledBackups.class);

    private final ServerFleet fleet;
    private final ServerBackups backups;
    private final BackupScheduler scheduler;
    private volatile EventBus.Listener<ServerEvent> events;

    /**
     * @param zone   the zone cron expressions are read in (the node's)
     * @param runner where scheduled backups run (each blocks on disk for as long as it takes): bound it to bound how
     *               many run at once
     */
    public ScheduledBackups(ServerFleet fleet, ServerBackups backups, Clock clock, ZoneId zone, Executor runner) {
        this.fleet = fleet;
        this.backups = backups;
        this.scheduler = new BackupScheduler(clock, zone, runner, this::backUp);
        fleet.addSpecCheck(spec -> problems(spec, zone));
    }

    /** What is wrong with the spec's backup schedule, as {@code backups.schedule}; empty when it has none or a good one. */
    public static List<FieldError> problems(ServerSpec spec, ZoneId zone) {
        String schedule = spec.backups().schedule();
        if (schedule == null) {
            return List.of();
        }
        try {
            BackupSchedule.parse(schedule, zone);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(new FieldError("backups.schedule", e.getMessage()));
        }
    }

    /** Schedules every server that asks for it, follows spec changes, and starts keeping time. */
    public ScheduledBackups start() {
        // subscribe first, then read the fleet: a server created in between is seen at least once
        events = fleet.bus().subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated
                || e instanceof ServerEvent.Deleted, EventBus.DEFAULT_CAPACITY, this::onEvent);
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            follow(s.id());
        }
        scheduler.start();
        return this;
    }

    @Override
    public Optional<Instant> next(UUID serverId) {
        return scheduler.next(serverId);
    }

    @Override
    public ZoneId zone() {
        return scheduler.zone();
    }

    private void onEvent(ServerEvent event) {
        switch (event) {
            case ServerEvent.Deleted d -> scheduler.unschedule(d.serverId());
            default -> follow(event.serverId());
        }
    }

    /** Makes the server's schedule what its spec says now. */
    private void follow(UUID serverId) {
        try {
            String expression = fleet.find(serverId).map(s -> s.stored().spec().backups().schedule()).orElse(null);
            if (expression == null) {
                scheduler.unschedule(serverId);
                return;
            }
            Instant since = backups.service().list(serverId).stream().map(BackupRecord::createdAt)
                    .max(Comparator.naturalOrder()).orElse(null);
            scheduler.schedule(serverId, BackupSchedule.parse(expression, scheduler.zone()), since);
        } catch (RuntimeException e) {
            // a spec stored before this check existed, or a store that does not answer: the others keep their schedules
            log.atWarn().addKeyValue("server", serverId).log("could not schedule the server's backups: " + e.getMessage());
        }
    }

    private void backUp(UUID serverId) {
        if (fleet.find(serverId).isEmpty()) {
            scheduler.unschedule(serverId);
            return;
        }
        if (!backups.service().hasFiles(serverId)) {
            // never started nor installed: a failed backup each turn would only bury the ones that count
            log.atDebug().addKeyValue("server", serverId).log("skipped a scheduled backup: the server has no files yet");
            return;
        }
        try {
            BackupRecord done = backups.create(serverId, BackupRequest.DEFAULT, new BackupPublisher("backup", fleet.bus(), fleet.store()));
            log.atInfo().addKeyValue("server", serverId).addKeyValue("backup", done.id()).log("scheduled backup completed");
        } catch (BackupException.Busy e) {
            log.atInfo().addKeyValue("server", serverId).log("skipped a scheduled backup: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // a backup that had begun is recorded failed with the reason, and its events said so
            log.atWarn().addKeyValue("server", serverId).log("a scheduled backup failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        EventBus.Listener<ServerEvent> l = events;
        if (l != null) {
            l.close();
        }
        scheduler.close();
    }
}
