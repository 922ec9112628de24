package dev.raptor.cli.command;

import dev.raptor.cli.CliException;
import dev.raptor.wire.server.BackupsDocument;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** The spec's backup settings as flags, shared by {@code create}, {@code run} and {@code update}. */
public final class BackupScheduleOptions {

    @Option(names = "--backup-schedule", paramLabel = "SCHEDULE",
            description = "When backups are made on their own: cron fields in the node's time zone ('0 4 * * *'), a macro (@daily) "
                    + "or an interval (@every 6h); 'raptorctl backup ls' tells the next one.")
    String schedule;

    @Option(names = "--no-backup-schedule", description = "Make backups on request only.")
    boolean noSchedule;

    private void check() {
        if (schedule != null && noSchedule) {
            throw CliException.usage("--backup-schedule and --no-backup-schedule exclude each other");
        }
    }

    /** The spec's {@code backups} member for a new server; null when no flag says anything about it. */
    BackupsDocument document() {
        check();
        return schedule == null ? null : new BackupsDocument(schedule, null, null, null, null, null);
    }

    /**
     * The {@code backups} member of a merge patch (its other members stay; a null schedule removes it); null when no
     * flag was given.
     */
    Map<String, Object> patch() {
        check();
        if (schedule == null && !noSchedule) {
            return null;
        }
        Map<String, Object> backups = new LinkedHashMap<>();
        backups.put("schedule", noSchedule ? null : schedule);
        return backups;
    }
}
