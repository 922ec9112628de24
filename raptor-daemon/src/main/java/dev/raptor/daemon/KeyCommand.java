package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.TokenService;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code raptord key show} and {@code raptord key rotate}: the operator's way to the node API key that the
 * daemon keeps in {@code <dataDir>/api-key} (mode 0600, so: as root, or as the user raptord runs as).
 *
 * <ul>
 *   <li>{@code show} prints the key the daemon accepts: the configured one ({@code RAPTOR_API_KEY} or
 *       {@code apiKey}), else the file's.</li>
 *   <li>{@code rotate} writes a new key into the file, atomically, and prints it. A running daemon reads the
 *       file again when it changes, so the old key is refused from its next request on; no restart is needed.
 *       A key given by configuration is not rotated: change it where it is set.</li>
 *   <li>{@code rotate --tokens [--grace SECONDS]} replaces the server-token secret instead ({@code token-secret}); the
 *       old one is kept in {@code token-secret.previous} and still accepted for the grace (default: the longest token
 *       lifetime, so no token issued before is cut short; 0 when it leaked). Nothing secret is printed.</li>
 * </ul>
 * The key goes to standard output alone (for {@code KEY=$(raptord key show)}); what the operator should know
 * goes to standard error. Exit codes: 0 done, 1 refused or failed (the message says why).
 */
final class KeyCommand {
    private KeyCommand() {
    }

    static boolean accepts(List<String> words) {
        if (words.size() == 2 && words.getFirst().equals("key") && (words.get(1).equals("show") || words.get(1).equals("rotate"))) {
            return true;
        }
        return words.size() >= 3 && words.get(0).equals("key") && words.get(1).equals("rotate") && words.get(2).equals("--tokens")
                && tokenGrace(words.subList(3, words.size())) != null;
    }

    static int run(List<String> words, DaemonConfig config, PrintStream out, PrintStream err) {
        if (words.size() >= 3) {
            return rotateTokens(config, tokenGrace(words.subList(3, words.size())), err);
        }
        return words.get(1).equals("show") ? show(config, out, err) : rotate(config, out, err);
    }

    /** The grace of {@code key rotate --tokens [--grace SECONDS]}: the default, the given one, or null when the words are wrong. */
    static Duration tokenGrace(List<String> options) {
        if (options.isEmpty()) {
            return TokenService.DEFAULT_ROTATION_GRACE;
        }
        String value;
        if (options.size() == 2 && options.get(0).equals("--grace")) {
            value = options.get(1);
        } else if (options.size() == 1 && options.get(0).startsWith("--grace=")) {
            value = options.get(0).substring("--grace=".length());
        } else {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 || seconds > TokenService.MAX_TTL.toSeconds() ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * {@code key rotate --tokens}: a new server-token secret (new tokens are signed with it at once, in a running
     * daemon too); the old one is kept beside it and accepted until the grace ends. The secrets are never printed.
     */
    private static int rotateTokens(DaemonConfig config, Duration grace, PrintStream err) {
        Path secret = config.dataDir().resolve(TokenService.SECRET_FILE);
        if (!Files.exists(secret)) {
            err.println("raptord: there is no token secret in " + secret + " yet: raptord makes it at its first boot (check RAPTOR_DATA_DIR)");
            return 1;
        }
        TokenService.Rotation r;
        try {
            r = TokenService.rotate(config.dataDir(), grace, Instant.now());
        } catch (UncheckedIOException e) {
            return cannot("rotate", secret, e.getCause(), err);
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("raptord: cannot rotate the token secret in " + secret + ": " + e.getMessage());
            return 1;
        }
        err.println("raptord: wrote a new server-token secret to " + r.secretFile() + " (key " + r.newKeyId() + ", mode 0600); new tokens "
                + "are signed with it from now on. Tokens signed with the previous key (" + r.previousKeyId() + ", kept in "
                + r.previousFile() + ") are accepted until " + r.previousRetiresAt() + (grace.isZero() ? " (that is: no longer)." : "."));
        return 0;
    }

    private static int show(DaemonConfig config, PrintStream out, PrintStream err) {
        if (config.apiKey() != null) {
            err.println("raptord: the node API key is set by " + config.apiKeySource() + " (the key file is not used)");
            out.println(config.apiKey().strip());
            return 0;
        }
        ApiKeyFile file = new ApiKeyFile(config.dataDir());
        Optional<String> key;
        try {
            key = ApiKey.read(file.file());
        } catch (UncheckedIOException e) {
            return cannot("read", file.file(), e.getCause(), err);
        }
        if (key.isEmpty()) {
            err.println("raptord: there is no node API key in " + file.file() + " yet: raptord generates it at its first boot "
                    + "(or `raptord key rotate` writes one now)");
            return 1;
        }
        out.println(key.get());
        out.flush();
        markShown(file, err);
        return 0;
    }

    private static int rotate(DaemonConfig config, PrintStream out, PrintStream err) {
        if (config.apiKey() != null) {
            err.println("raptord: the node API key is set by " + config.apiKeySource() + ", not kept in a file: change it there "
                    + "and restart raptord (key rotate replaces only the generated key in " + config.apiKeyFile() + ")");
            return 1;
        }
        if (!Files.isDirectory(config.dataDir())) {
            err.println("raptord: there is no data directory " + config.dataDir() + " yet: start raptord once (it generates a key), "
                    + "or check RAPTOR_DATA_DIR");
            return 1;
        }
        ApiKeyFile file = new ApiKeyFile(config.dataDir());
        String key;
        try {
            key = ApiKey.rotate(file.file());
        } catch (UncheckedIOException e) {
            return cannot("write", file.file(), e.getCause(), err);
        }
        out.println(key);
        out.flush();
        markShown(file, err);
        err.println("raptord: wrote a new node API key to " + file.file() + " (mode 0600); a running raptord refuses the old key "
                + "from its next request on. Give the new key to the panel.");
        return 0;
    }

    private static void markShown(ApiKeyFile file, PrintStream err) {
        try {
            file.shown();
        } catch (IOException e) {
            err.println("raptord: note: cannot remove " + ApiKeyFile.UNSHOWN_MARKER + " (" + e.getMessage() + "); the next boot prints the key again");
        }
    }

    private static int cannot(String what, Path file, Throwable cause, PrintStream err) {
        String why = cause instanceof AccessDeniedException ? "permission denied: run this as root (or as the user raptord runs as)"
                : String.valueOf(cause == null ? "unknown error" : cause.getMessage());
        err.println("raptord: cannot " + what + " " + file + ": " + why);
        return 1;
    }
}
