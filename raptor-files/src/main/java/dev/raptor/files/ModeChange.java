package dev.raptor.files;

import java.util.Locale;

/**
 * A chmod: permission bits 0000 to 0777 (setuid, setgid and sticky bits are not Raptor's to hand out).
 */
public record ModeChange(String path, int mode) {
    public ModeChange {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be between 0000 and 0777 (was " + Integer.toOctalString(mode) + ")");
        }
    }

    /** Parses {@code "0755"} or {@code "755"}; {@link IllegalArgumentException} naming what is wrong. */
    public static ModeChange parse(String path, String octal) {
        if (octal == null || !octal.matches("[0-7]{3,4}")) {
            throw new IllegalArgumentException("mode must be three or four octal digits such as 0644 (was '" + octal + "')");
        }
        return new ModeChange(path, Integer.parseInt(octal, 8));
    }

    public String octalMode() {
        return String.format(Locale.ROOT, "%04o", mode);
    }
}
