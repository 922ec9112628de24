package dev.raptor.cli.spec;

import dev.raptor.wire.server.RestartDocument;

import java.util.Locale;

/** {@code --restart no|always|unless-stopped|on-failure[:N]}, docker's spelling. */
public record RestartSpec(String policy, Integer maxRetries) {

    public static RestartSpec parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        String policy = t;
        Integer retries = null;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            policy = t.substring(0, colon);
            try {
                retries = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (!policy.equals("on-failure")) {
                throw new IllegalArgumentException("only on-failure takes a retry count (was '" + text + "')");
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retry count in '" + text + "' must be a non-negative number");
            }
        }
        switch (policy) {
            case "no", "always", "unless-stopped", "on-failure" -> {
            }
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a restart policy: use no, always, unless-stopped or on-failure[:N]");
        }
        return new RestartSpec(policy, retries);
    }

    /** The API's restart policy. */
    public RestartDocument toDocument() {
        return new RestartDocument(policy, maxRetries);
    }
}
