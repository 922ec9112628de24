package dev.raptor.backup.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's backup schedule, in one of three spellings:
 * <ul>
 *   <li>a standard five-field cron expression ({@code minute hour day-of-month month day-of-week}, as crontab(5)
 *       reads it, e.g. {@code 0 4 * * *} for 04:00 every day), parsed by cron-utils, in the node's time zone;</li>
 *   <li>one of crontab's macros: {@code @hourly}, {@code @daily} (or {@code @midnight}), {@code @weekly},
 *       {@code @monthly}, {@code @yearly} (or {@code @annually});</li>
 *   <li>an interval, {@code @every} and a whole number of seconds, minutes, hours or days ({@code @every 90s},
 *       {@code @every 15m}, {@code @every 6h}, {@code @every 1d}): the next backup is that long after the last.</li>
 * </ul>
 */
public final class BackupSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");
    private static final Pattern EVERY = Pattern.compile("@every\\s+([0-9]{1,9})\\s*([smhd])", Pattern.CASE_INSENSITIVE);
    /** The shortest interval: anything shorter is a typo, not a backup plan. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final String expression;
    private final ExecutionTime times;
    private final Duration every;
    private final ZoneId zone;

    private BackupSchedule(String expression, ExecutionTime times, Duration every, ZoneId zone) {
        this.expression = expression;
        this.times = times;
        this.every = every;
        this.zone = zone;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the expression
     */
    public static BackupSchedule parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("a backup schedule is a cron expression such as \"0 4 * * *\", a macro such as "
                    + "\"@daily\" or an interval such as \"@every 6h\"");
        }
        String text = expression.strip();
        if (text.startsWith("@")) {
            Matcher m = EVERY.matcher(text);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration every = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                if (every.compareTo(MIN_INTERVAL) < 0) {
                    throw new IllegalArgumentException("\"" + text + "\" is shorter than " + MIN_INTERVAL.toSeconds() + " second");
                }
                return new BackupSchedule(text, null, every, zone);
            }
            String cron = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (cron == null) {
                throw new IllegalArgumentException("\"" + text + "\" is neither an interval (\"@every 6h\": s, m, h or d) nor one of "
                        + "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually");
            }
            return new BackupSchedule(text, ExecutionTime.forCron(PARSER.parse(cron)), null, zone);
        }
        Cron cron;
        try {
            cron = PARSER.parse(text);
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a cron expression (minute hour day-of-month month day-of-week): "
                    + e.getMessage(), e);
        }
        return new BackupSchedule(text, ExecutionTime.forCron(cron), null, zone);
    }

    public String expression() {
        return expression;
    }

    /** The interval of an {@code @every} schedule; empty for cron expressions and macros. */
    public Optional<Duration> interval() {
        return Optional.ofNullable(every);
    }

    /** The first time strictly after {@code after} the schedule names; empty when it names none (Feb 30). */
    public Optional<Instant> next(Instant after) {
        if (every != null) {
            return Optional.of(after.plus(every));
        }
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return expression;
    }
}
