package dev.raptor.core.backup;

import dev.raptor.core.console.ConsoleCommand;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;

/**
 * What a server's spec says about its backups: when they are made on their own, how many are kept and for how long,
 * what they leave out, and which console commands run around each backup of the running server (e.g. {@code save-off}
 * and {@code save-all flush} before, {@code save-on} after, so a Minecraft world is not written mid-archive).
 *
 * <p>The schedule's syntax is checked here only for its shape; whether it is a schedule at all is raptor-backup's
 * to say (it owns the cron parser), which it does through the fleet's spec checks before a spec is stored.
 *
 * @param schedule       when backups are made automatically: a five-field cron expression ({@code 0 4 * * *}), a macro
 *                       ({@code @daily}) or an interval ({@code @every 6h}); null = never
 * @param max            the most completed backups kept (the oldest unlocked are pruned after each successful one),
 *                       0 = no limit; null = the node's {@code backupMax}
 * @param maxAgeDays     backups older than this many days are pruned, 0 = no age limit; null = the node's
 *                       {@code backupMaxAgeDays}
 * @param ignore         gitignore patterns every backup of the server leaves out, after its {@code .raptorignore}'s
 *                       and before a request's own
 * @param commandsBefore console commands sent, in order, before a backup of the running server starts
 * @param commandsAfter  console commands sent, in order, after it ended (completed or failed)
 */
public record BackupPolicy(String schedule, Integer max, Integer maxAgeDays, List<String> ignore,
                           List<String> commandsBefore, List<String> commandsAfter) {
    /** No schedule, the node's retention, nothing left out, no commands. */
    public static final BackupPolicy NONE = new BackupPolicy(null, null, null, List.of(), List.of(), List.of());

    /** The longest schedule accepted, in characters. */
    public static final int MAX_SCHEDULE = 200;
    /** The most ignore patterns, and the most commands on either side. */
    public static final int MAX_ENTRIES = 100;
    private static final int MAX_PATTERN = 1024;

    public BackupPolicy {
        if (schedule != null && schedule.isBlank()) {
            schedule = null;
        }
        schedule = schedule == null ? null : schedule.strip();
        ignore = ignore == null ? List.of() : List.copyOf(ignore.stream().map(p -> p == null ? "" : p).toList());
        commandsBefore = commandsBefore == null ? List.of() : List.copyOf(commandsBefore.stream().map(c -> c == null ? "" : c).toList());
        commandsAfter = commandsAfter == null ? List.of() : List.copyOf(commandsAfter.stream().map(c -> c == null ? "" : c).toList());
    }

    /** Whether the spec says anything at all (a spec without a {@code backups} section says nothing). */
    public boolean isNone() {
        return equals(NONE);
    }

    /** What is wrong with it, with field names relative to the {@code backups} section. */
    public List<FieldError> problems() {
        Problems p = new Problems();
        if (schedule != null) {
            p.check(schedule.length() <= MAX_SCHEDULE, "schedule", "must be at most " + MAX_SCHEDULE + " characters");
            p.check(schedule.chars().noneMatch(Character::isISOControl), "schedule", "must be a single line");
        }
        p.check(max == null || max >= 0, "max", "must be 0 (no limit) or more (was " + max + ")");
        p.check(maxAgeDays == null || maxAgeDays >= 0, "maxAgeDays", "must be 0 (no limit) or more (was " + maxAgeDays + ")");
        p.check(ignore.size() <= MAX_ENTRIES, "ignore", "has at most " + MAX_ENTRIES + " patterns");
        for (int i = 0; i < ignore.size(); i++) {
            String pattern = ignore.get(i);
            p.check(!pattern.isBlank() && pattern.length() <= MAX_PATTERN && pattern.chars().noneMatch(Character::isISOControl),
                    "ignore[" + i + "]", "must be one gitignore pattern of 1 to " + MAX_PATTERN + " characters on one line");
        }
        commands(p, "commandsBefore", commandsBefore);
        commands(p, "commandsAfter", commandsAfter);
        return p.list();
    }

    private static void commands(Problems p, String field, List<String> commands) {
        p.check(commands.size() <= MAX_ENTRIES, field, "has at most " + MAX_ENTRIES + " commands");
        for (int i = 0; i < commands.size(); i++) {
            for (String problem : ConsoleCommand.problems(commands.get(i))) {
                p.add(field + "[" + i + "]", problem);
            }
        }
    }

    /** The same policy with another schedule. */
    public BackupPolicy withSchedule(String newSchedule) {
        return new BackupPolicy(newSchedule, max, maxAgeDays, ignore, commandsBefore, commandsAfter);
    }
}
