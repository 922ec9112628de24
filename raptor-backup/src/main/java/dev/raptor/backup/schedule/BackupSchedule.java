package dev.raptor.backup.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A server's backup schedule: a standard five-field cron expression ({@code minute hour day-of-month month
 * day-of-week}, as crontab(5) reads it, e.g. {@code 0 4 * * *} for 04:00 every day), parsed by cron-utils, in the
 * node's time zone.
 */
public final class BackupSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ExecutionTime times;
    private final ZoneId zone;

    private BackupSchedule(String expression, ExecutionTime times, ZoneId zone) {
        this.expression = expression;
        this.times = times;
        this.zone = zone;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the expression
     */
    public static BackupSchedule parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("a backup schedule is a cron expression such as \"0 4 * * *\"");
        }
        Cron cron;
        try {
            cron = PARSER.parse(expression.strip());
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a cron expression (minute hour day-of-month month day-of-week): "
                    + e.getMessage(), e);
        }
        return new BackupSchedule(expression.strip(), ExecutionTime.forCron(cron), zone);
    }

    public String expression() {
        return expression;
    }

    /** The first time strictly after {@code after} the schedule names; empty when it names none (Feb 30). */
    public Optional<Instant> next(Instant after) {
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return expression;
    }
}
