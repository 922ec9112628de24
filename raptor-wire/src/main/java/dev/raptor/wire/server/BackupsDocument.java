package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What a spec says about the server's backups: its {@code backups} member. Every member is optional.
 *
 * <pre>{@code
 * {"schedule": "0 4 * * *", "max": 7, "maxAgeDays": 30, "ignore": ["logs/", "*.tmp", "!logs/keep.log"],
 *  "commandsBefore": ["save-off", "save-all flush"], "commandsAfter": ["save-on"]}
 * }</pre>
 *
 * @param schedule       when a backup is made on its own: five cron fields ({@code minute hour day-of-month month
 *                       day-of-week}, the node's time zone), a macro ({@code @hourly}, {@code @daily}, {@code @weekly},
 *                       {@code @monthly}) or an interval ({@code @every 90s}, {@code @every 6h}, {@code @every 1d});
 *                       absent = only on request
 * @param max            the most completed backups kept; the oldest unlocked are pruned after each successful one;
 *                       0 = no limit; absent = the node's {@code backupMax}
 * @param maxAgeDays     unlocked backups older than this are pruned; 0 = no limit; absent = the node's {@code backupMaxAgeDays}
 * @param ignore         gitignore patterns every backup leaves out (after the {@code .raptorignore}'s, before a request's)
 * @param commandsBefore console commands sent in order before a backup of the running server
 * @param commandsAfter  console commands sent in order once it ended, completed or failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupsDocument(String schedule, Integer max, Integer maxAgeDays, List<String> ignore, List<String> commandsBefore,
                              List<String> commandsAfter) {
}
