package dev.raptor.core.server;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands an egg-style startup command: {@code {{VAR}}} (and {@code {{env.VAR}}}, which some eggs write) becomes
 * the value of the server's environment variable {@code VAR}, including Raptor's own {@code SERVER_MEMORY},
 * {@code SERVER_IP} and {@code SERVER_PORT}, and {@code {{JVM_FLAGS}}} the {@link JvmPreset}. A placeholder
 * with no such variable is left as written, so a typo is visible in the console rather than silently empty.
 * Shell syntax ({@code ${VAR}}) is left to the shell that runs the command.
 */
public final class StartupCommand {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(?:env\\.)?([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private StartupCommand() {
    }

    /** {@code startup} with every known placeholder replaced from {@code environment}. */
    public static String expand(String startup, Map<String, String> environment) {
        if (startup == null || !startup.contains("{{")) {
            return startup;
        }
        Matcher m = PLACEHOLDER.matcher(startup);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
