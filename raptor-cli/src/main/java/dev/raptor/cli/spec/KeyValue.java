package dev.raptor.cli.spec;

/** {@code KEY=VALUE} as {@code -e} and {@code --label} take it; the value may be empty or contain '='. */
public record KeyValue(String key, String value) {

    public static KeyValue parse(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + text + "' must be KEY=VALUE");
        }
        return new KeyValue(text.substring(0, eq), text.substring(eq + 1));
    }
}
