package dev.raptor.core.install;

import java.util.Locale;

/** How a server's last install went: {@code installing} is written before the helper starts, so a crash leaves it. */
public enum InstallStatus {
    INSTALLING, INSTALLED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InstallStatus parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
