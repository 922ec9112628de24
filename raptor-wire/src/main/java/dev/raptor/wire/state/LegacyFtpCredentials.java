package dev.raptor.wire.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.LegacyFtpLogin;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the {@code ftp_credentials.json} of the earlier Rust daemon (kept beside its {@code containers.json}): one
 * FTP login per container, keyed by the container's id, with a bcrypt hash of the password:
 *
 * <pre>{@code
 * {"credentials": {"<container id>": {"username": "survival", "password_hash": "$2b$12$..."}}}
 * }</pre>
 *
 * An older version of that daemon wrote a list instead, each entry naming its container:
 * {@code {"credentials": [{"username": ..., "password_hash": ..., "container_id": ...}]}}; both are read. Keys may
 * be snake_case or camelCase ({@code password_hash}/{@code passwordHash}, {@code container_id}/{@code containerId}).
 *
 * <p>Mapping onto SFTP/FTP users (the store applies it, once it knows which servers exist):
 * <ul>
 *   <li>the server: the container id itself when it is the UUID of a server on the node, otherwise the server a
 *       legacy {@code containers.json} import made of the container of that name ({@link LegacyContainers#idFor}):
 *       import the {@code containers.json} first;</li>
 *   <li>the username is kept, without a trailing {@code .<short server id>} (the login name adds it back), so the
 *       login is {@code <username>.<first 8 characters of the server id>};</li>
 *   <li>the hash is kept as it is (bcrypt, or an Argon2id or PBKDF2 hash): the old password keeps working and is
 *       re-hashed as Argon2id at its first login;</li>
 *   <li>the user gets every permission (read, write, delete), no keys and no expiry, as the earlier daemon's FTP
 *       logins had.</li>
 * </ul>
 * All or nothing: every problem is named by its entry ({@code credentials.<container id>.username: is required});
 * one bad entry imports none.
 */
public final class LegacyFtpCredentials {
    private LegacyFtpCredentials() {
    }

    /** Whether {@code document} has the shape of an {@code ftp_credentials.json} (an object with {@code credentials}). */
    public static boolean looksLikeOne(JsonNode document) {
        return document != null && document.isObject() && document.has("credentials") && !document.has("servers");
    }

    /**
     * Reads the document into a plan of logins (and no servers).
     *
     * @throws InvalidSpecException naming every bad entry and field
     */
    public static ImportPlan read(JsonNode document) {
        if (!looksLikeOne(document)) {
            throw new InvalidSpecException("credentials", "an ftp_credentials.json is an object with a \"credentials\" member");
        }
        Problems problems = new Problems();
        JsonNode credentials = document.get("credentials");
        List<String> warnings = new ArrayList<>();
        for (Iterator<String> it = document.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("credentials")) {
                warnings.add("ignored the unknown key '" + name + "' of the ftp_credentials.json");
            }
        }
        List<LegacyFtpLogin> logins = new ArrayList<>();
        if (credentials.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = credentials.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                entry("credentials." + e.getKey(), e.getKey(), e.getValue(), problems, logins);
            }
        } else if (credentials.isArray()) {
            for (int i = 0; i < credentials.size(); i++) {
                JsonNode n = credentials.get(i);
                String field = "credentials[" + i + "]";
                String key = n.isObject() ? text(n, "container_id", "containerId") : null;
                if (key == null) {
                    problems.add(field + ".container_id", "is required");
                    continue;
                }
                entry(field, key, n, problems, logins);
            }
        } else {
            throw new InvalidSpecException("credentials", "must be an object keyed by container id (or a list of entries)");
        }
        problems.throwIfAny();
        return new ImportPlan(ImportFormat.LEGACY_FTP_CREDENTIALS, List.of(), Map.of(), warnings, logins);
    }

    private static void entry(String field, String key, JsonNode n, Problems problems, List<LegacyFtpLogin> out) {
        if (!n.isObject()) {
            problems.add(field, "must be an object with username and password_hash");
            return;
        }
        String username = text(n, "username");
        String hash = text(n, "password_hash", "passwordHash");
        if (username == null) {
            problems.add(field + ".username", "is required");
        }
        if (hash == null) {
            problems.add(field + ".password_hash", "is required");
        }
        if (key.isBlank()) {
            problems.add(field, "the container id is empty");
            return;
        }
        if (username != null && hash != null) {
            out.add(new LegacyFtpLogin(field, key, servers(key), username, hash));
        }
    }

    /** The servers a container id may have become: itself when a UUID, then the legacy import's id for that name. */
    static List<UUID> servers(String key) {
        Set<UUID> out = new LinkedHashSet<>();
        try {
            out.add(UUID.fromString(key.strip()));
        } catch (IllegalArgumentException e) {
            // a container name, not a UUID
        }
        out.add(LegacyContainers.idFor(key));
        return List.copyOf(out);
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
