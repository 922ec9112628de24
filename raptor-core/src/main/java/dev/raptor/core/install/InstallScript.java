package dev.raptor.core.install;

import dev.raptor.core.validation.Problems;

import java.util.Objects;

/**
 * How a server's files are installed: a shell script run once in a helper (an egg's
 * {@code scripts.installation}). On Docker the helper is a container of {@code image} whose {@code entrypoint}
 * (a shell such as {@code ash} or {@code bash}) runs the script from {@code /mnt/install/install.sh} with the
 * server's volume at {@code /mnt/server}; on the process runtime the script runs under {@code /bin/sh} in the
 * server's directory and {@code image} and {@code entrypoint} are not used.
 *
 * @param image      the install image (Docker only); null = the server's own image
 * @param entrypoint the shell that runs the script inside the image; {@code sh} when absent
 * @param script     the script's text (CRLF line ends, common in eggs, are normalised to LF)
 */
public record InstallScript(String image, String entrypoint, String script) {
    /** Scripts are short; this bound only keeps a stored row from growing without end. */
    public static final int MAX_SCRIPT = 256 * 1024;

    public InstallScript {
        Objects.requireNonNull(script, "script");
        script = script.replace("\r\n", "\n");
        if (image != null && image.isBlank()) {
            image = null;
        }
        if (entrypoint == null || entrypoint.isBlank()) {
            entrypoint = "sh";
        }
        Problems p = new Problems();
        p.check(!script.isBlank(), "script", "must not be empty");
        p.check(script.length() <= MAX_SCRIPT, "script", "must be at most " + MAX_SCRIPT + " characters");
        p.check(script.indexOf('\0') < 0, "script", "must not contain NUL characters");
        p.check(entrypoint.matches("[A-Za-z0-9_./-]{1,255}"), "entrypoint",
                "must be a program name or path such as ash, bash or /bin/sh (was '" + entrypoint + "')");
        p.throwIfAny();
    }
}
