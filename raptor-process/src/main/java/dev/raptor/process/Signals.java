package dev.raptor.process;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** Signal names as operators write them ({@code SIGTERM}, {@code term}, {@code 15}) to Linux signal numbers. */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ABRT", 6),
            Map.entry("KILL", SIGKILL), Map.entry("USR1", 10), Map.entry("USR2", 12), Map.entry("ALRM", 14),
            Map.entry("TERM", SIGTERM), Map.entry("CONT", SIGCONT), Map.entry("STOP", SIGSTOP),
            Map.entry("TSTP", 20), Map.entry("WINCH", 28));

    private Signals() {
    }

    /** The signal's number, or empty when the name is unknown. */
    static OptionalInt number(String name) {
        if (name == null || name.isBlank()) {
            return OptionalInt.empty();
        }
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.chars().allMatch(Character::isDigit) && n.length() <= 2) {
            int v = Integer.parseInt(n);
            return v >= 1 && v <= 64 ? OptionalInt.of(v) : OptionalInt.empty();
        }
        Integer v = NUMBERS.get(n.startsWith("SIG") ? n.substring(3) : n);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }
}
