package dev.raptor.sftp.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.sftp.SftpPermission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a node agent needs to serve one SFTP channel that the manager pipes to it: whose files (the server), who logged
 * in (for the activity entries), what they may do (their permissions, checked on the agent by the same
 * {@link dev.raptor.sftp.volume.UserVolume} as on the manager) and the server's file policy (quota, deny and read-only
 * rules, from the manager's spec: the agent keeps no specs). The manager decided the login; the agent only trusts it
 * because it came over the link authenticated by the agent key. Sent as the channel's environment variable
 * {@link #ENV}, before its {@code subsystem} request.
 *
 * @param address    the client's address as the manager saw it
 * @param quotaBytes the disk quota, 0 = none
 */
public record AgentSftpSession(UUID serverId, String username, Set<SftpPermission> permissions, String address,
                               long quotaBytes, List<String> deny, List<String> readOnly) {
    public static final String ENV = "RAPTOR_SFTP_SESSION";
    private static final ObjectMapper JSON = new ObjectMapper();

    public AgentSftpSession {
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
        deny = deny == null ? List.of() : List.copyOf(deny);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }

    public String encode() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an agent SFTP session", e);
        }
    }

    /** @throws IllegalArgumentException when the value is not one {@link #encode()} made */
    public static AgentSftpSession decode(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(ENV + " is missing: the manager names the server and the user of each channel");
        }
        try {
            AgentSftpSession s = JSON.readValue(new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8),
                    AgentSftpSession.class);
            if (s.serverId() == null || s.username() == null) {
                throw new IllegalArgumentException("no server or user");
            }
            return s;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + " is not an SFTP session: " + e.getMessage());
        }
    }
}
