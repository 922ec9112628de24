package dev.raptor.query.rcon;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the player count in the answer to an RCON command, for the answers common servers give:
 * Minecraft's {@code list} ("There are 3 of a max of 20 players online: a, b, c", older "There are
 * 3/20 players online:"), Source's {@code status} ("players : 2 humans, 0 bots (16 max)"), Rust's
 * {@code serverinfo} JSON ({@code "Players": 2, "MaxPlayers": 50}), and any "N/M".
 */
public final class PlayerCountParser {
    private static final Pattern MINECRAFT = Pattern.compile(
            "There are (?<!\\d)(\\d{1,9})(?!\\d) (?:of a max(?: of)?|out of maximum) (?<!\\d)(\\d{1,9})(?!\\d) players online\\.?:?\\s*(.*)", Pattern.DOTALL);
    private static final Pattern SOURCE_STATUS = Pattern.compile(
            "players\\s*:\\s*(?<!\\d)(\\d{1,9})(?!\\d)(?: humans?)?(?:,\\s*\\d+ bots?)?\\s*\\((?<!\\d)(\\d{1,9})(?!\\d)(?:/\\d+)? max\\)");
    private static final Pattern JSON_PLAYERS = Pattern.compile("\"Players\"\\s*:\\s*(?<!\\d)(\\d{1,9})(?!\\d)");
    private static final Pattern JSON_MAX = Pattern.compile("\"MaxPlayers\"\\s*:\\s*(?<!\\d)(\\d{1,9})(?!\\d)");
    private static final Pattern SLASH = Pattern.compile("(?<!\\d)(\\d{1,9})(?!\\d)\\s*/\\s*(?<!\\d)(\\d{1,9})(?!\\d)");

    private PlayerCountParser() {
    }

    /** Players online and slots, and the names when the answer lists them. */
    public record Count(int online, int max, List<String> names) {
    }

    public static Optional<Count> parse(String answer) {
        if (answer == null) {
            return Optional.empty();
        }
        Matcher m = MINECRAFT.matcher(answer);
        if (m.find()) {
            return Optional.of(new Count(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), names(m.group(3))));
        }
        m = SOURCE_STATUS.matcher(answer);
        if (m.find()) {
            return Optional.of(new Count(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), List.of()));
        }
        Matcher players = JSON_PLAYERS.matcher(answer);
        Matcher max = JSON_MAX.matcher(answer);
        if (players.find() && max.find()) {
            return Optional.of(new Count(Integer.parseInt(players.group(1)), Integer.parseInt(max.group(1)), List.of()));
        }
        m = SLASH.matcher(answer);
        if (m.find()) {
            return Optional.of(new Count(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), List.of()));
        }
        return Optional.empty();
    }

    private static List<String> names(String list) {
        String s = list == null ? "" : list.strip();
        if (s.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(String::strip).filter(n -> !n.isEmpty()).limit(100).toList();
    }
}
