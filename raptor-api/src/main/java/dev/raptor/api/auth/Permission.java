package dev.raptor.api.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a server token lets a browser do with its one server. The node API key may do everything. */
public enum Permission {
    /** Read the console: output, logs, stats, activity. */
    CONSOLE_READ("console.read"),
    /** Send console commands. */
    CONSOLE_WRITE("console.write"),
    /** Start, stop, restart and kill, and read the operations that follow. */
    POWER("power"),
    /** Read and download files. */
    FILES_READ("files.read"),
    /** Upload, change and delete files. */
    FILES_WRITE("files.write"),
    /** Read an install's output as it runs ({@code install output} on the console socket). */
    INSTALL_READ("install.read"),
    /**
     * Run commands inside the server ({@code POST …/exec}, the exec socket): a shell in the server's container is more
     * than its console, so no other permission implies it, and a token has it only when issued with it.
     */
    EXEC("exec");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Permission> parse(String text) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(text)).findFirst();
    }

    public static String allWireNames() {
        return String.join(", ", Arrays.stream(values()).map(Permission::wireName).toList());
    }
}
