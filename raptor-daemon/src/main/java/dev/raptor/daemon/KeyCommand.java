package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * </ul>
 * The key goes to standard output alone (for {@code KEY=$(raptord key show)}); what the operator should know
 * goes to standard error. Exit codes: 0 done, 1 refused or failed (the message says why).
 */
final class KeyCommand {
    private KeyCommand() {
    }

    static boolean accepts(List<String> words) {
        return words.size() == 2 && words.getFirst().equals("key") && (words.get(1).equals("show") || words.get(1).equals("rotate"));
    }

    static int run(List<String> words, DaemonConfig config, PrintStream out, PrintStream err) {
        return words.get(1).equals("show") ? show(config, out, err) : rotate(config, out, err);
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
