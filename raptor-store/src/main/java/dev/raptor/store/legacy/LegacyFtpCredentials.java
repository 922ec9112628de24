package dev.raptor.store.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.store.sftp.PasswordHasher;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.store.sftp.SftpUsers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the {@code ftp_credentials.json} of the earlier Rust daemon: one FTP login per container, keyed by the
 * container's id (the name its {@code containers.json} gave it, which was also its volume directory), with a
 * bcrypt hash of the password:
 *
 * <pre>{@code
 * {"credentials": {"<container id>": {"username": "survival", "password_hash": "$2b$12$..."}}}
 * }</pre>
 *
 * An older version of that daemon wrote a list instead, each entry naming its container:
 * {@code {"credentials": [{"username": ..., "password_hash": ..., "container_id": ...}]}}; both are read.
 *
 * <p>Mapping: the container id names the server directly when it is a UUID of an existing server, otherwise the
 * caller's {@code containerServer} says which server the earlier daemon's container of that name became (the
 * legacy {@code containers.json} import derives it from the name, see raptor-wire's {@code LegacyContainers}). The username is kept
 * (without a trailing {@code .<short id>} of its server, which the login name adds back), the bcrypt hash is kept
 * as it is (it verifies, and becomes Argon2id at the first login), and the user gets every permission. Every
 * problem is named by its entry ({@code credentials.<container id>.username: ...}); one bad entry imports none.
 */
public final class LegacyFtpCredentials {
    private LegacyFtpCredentials() {
    }

    /**
     * @param serverExists    whether a server id exists on this node
     * @param containerServer the server a legacy container name was imported as
     * @throws InvalidSpecException naming every bad entry and field
     */
    public static List<SftpUsers.ImportedUser> read(JsonNode document, Predicate<UUID> serverExists,
                                                    Function<String, UUID> containerServer) {
        Problems problems = new Problems();
        if (document == null || !document.isObject() || !document.has("credentials")) {
            throw new InvalidSpecException("credentials", "an ftp_credentials.json is an object with a \"credentials\" member");
        }
        JsonNode credentials = document.get("credentials");
        List<Entry> entries = new ArrayList<>();
        if (credentials.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = credentials.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                entries.add(new Entry("credentials." + e.getKey(), e.getKey(), e.getValue()));
            }
        } else if (credentials.isArray()) {
            for (int i = 0; i < credentials.size(); i++) {
                JsonNode n = credentials.get(i);
                String key = n != null && n.hasNonNull("container_id") ? n.get("container_id").asText() : null;
                if (key == null) {
                    problems.add("credentials[" + i + "].container_id", "is required");
                    continue;
                }
                entries.add(new Entry("credentials[" + i + "]", key, n));
            }
        } else {
            throw new InvalidSpecException("credentials", "must be an object keyed by container id (or a list of entries)");
        }
        List<SftpUsers.ImportedUser> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!e.node().isObject()) {
                problems.add(e.field(), "must be an object with username and password_hash");
                continue;
            }
            Optional<UUID> server = serverFor(e.key(), serverExists, containerServer);
            if (server.isEmpty()) {
                problems.add(e.field(), "no server on this node for container '" + e.key()
                        + "' (import its containers.json first)");
            }
            String username = text(e.node(), "username");
            String hash = text(e.node(), "password_hash", "passwordHash");
            if (username == null) {
                problems.add(e.field() + ".username", "is required");
            }
            if (hash == null) {
                problems.add(e.field() + ".password_hash", "is required");
            } else if (!PasswordHasher.isSupportedHash(hash)) {
                problems.add(e.field() + ".password_hash", "is not a bcrypt, Argon2id or PBKDF2 hash Raptor can verify");
            }
            if (username == null || server.isEmpty()) {
                continue;
            }
            String suffix = "." + SftpUser.shortId(server.get());
            if (username.endsWith(suffix) && username.length() > suffix.length()) {
                username = username.substring(0, username.length() - suffix.length());
            }
            if (!NewSftpUser.USERNAME.matcher(username).matches()) {
                problems.add(e.field() + ".username", "'" + username + "' is not a username Raptor accepts (1 to 64 letters, "
                        + "digits, '.', '_' or '-', starting with a letter or digit)");
                continue;
            }
            if (!seen.add(server.get() + "/" + username)) {
                problems.add(e.field() + ".username", "the file names user " + username + " of this server twice");
                continue;
            }
            if (hash != null) {
                out.add(new SftpUsers.ImportedUser(server.get(), username, hash, e.field(), e.key()));
            }
        }
        problems.throwIfAny();
        return out;
    }

    private record Entry(String field, String key, JsonNode node) {
    }

    private static Optional<UUID> serverFor(String key, Predicate<UUID> serverExists, Function<String, UUID> containerServer) {
        try {
            UUID id = UUID.fromString(key.strip());
            if (serverExists.test(id)) {
                return Optional.of(id);
            }
        } catch (IllegalArgumentException e) {
            // not a UUID: a container name
        }
        UUID byName = containerServer.apply(key);
        return byName != null && serverExists.test(byName) ? Optional.of(byName) : Optional.empty();
    }

    private static String text(JsonNode n, String... names) {
        for (String name : names) {
            JsonNode v = n.get(name);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
