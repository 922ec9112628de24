package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.rules.AccessRules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A server's file policy (quota and file rules) as the manager hands it to a node agent with each request, in the
 * header {@link #HEADER}: the agent keeps no specs, the manager's is the one that counts, so a rule or quota changed
 * through the API applies on the node from the next request on.
 *
 * @param quotaBytes the disk quota in bytes, 0 = none
 * @param deny       deny rules (gitignore syntax)
 * @param readOnly   read-only rules
 */
public record AgentFilePolicy(long quotaBytes, List<String> deny, List<String> readOnly) {
    public static final String HEADER = "X-Raptor-File-Policy";
    private static final ObjectMapper JSON = new ObjectMapper();

    public AgentFilePolicy {
        deny = deny == null ? List.of() : List.copyOf(deny);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }

    public static AgentFilePolicy of(ServerSpec spec) {
        return new AgentFilePolicy(FilePolicy.of(spec).quotaBytes(), spec.fileRules().deny(), spec.fileRules().readOnly());
    }

    /** The header's value: the record as JSON, base64url (rules may hold any character). */
    public String encode() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a file policy", e);
        }
    }

    /** @throws IllegalArgumentException when the value is not one {@link #encode()} made */
    public static AgentFilePolicy decode(String header) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException(HEADER + " is missing: the manager sends each server's file policy");
        }
        try {
            return JSON.readValue(new String(Base64.getUrlDecoder().decode(header.strip()), StandardCharsets.UTF_8), AgentFilePolicy.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(HEADER + " is not a file policy: " + e.getMessage());
        }
    }

    public FilePolicy toPolicy() {
        return new FilePolicy(deny.isEmpty() && readOnly.isEmpty() ? AccessRules.NONE : AccessRules.of(deny, readOnly), quotaBytes);
    }
}
