package dev.raptor.sftp.agent;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The two ed25519 key pairs of the manager-to-agent SFTP link, derived from the agent key both sides already share
 * ({@code RAPTOR_AGENT_KEY}): the agent's host key, which the manager checks (so nobody without the key can stand in
 * for an agent and see users' files), and the manager's client key, the only one the agent's SSH listener accepts.
 * Derived rather than configured: nothing more to copy between machines than the key the HTTP link needs anyway.
 * Each seed is HMAC-SHA256(agent key, label), one label per role, so the two keys are unrelated to each other.
 */
public record AgentLinkKeys(KeyPair host, KeyPair client) {
    private static final String HOST_LABEL = "raptor agent sftp host key v1";
    private static final String CLIENT_LABEL = "raptor agent sftp manager key v1";

    public static AgentLinkKeys of(String agentKey) {
        if (agentKey == null || agentKey.isBlank()) {
            throw new IllegalArgumentException("the SFTP link to node agents needs the agent key (RAPTOR_AGENT_KEY)");
        }
        return new AgentLinkKeys(derive(agentKey.strip(), HOST_LABEL), derive(agentKey.strip(), CLIENT_LABEL));
    }

    private static KeyPair derive(String secret, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] seed = mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
            PrivateKey priv = SecurityUtils.generateEDDSAPrivateKey(KeyPairProvider.SSH_ED25519, seed);
            PublicKey pub = SecurityUtils.recoverEDDSAPublicKey(priv);
            return new KeyPair(pub, priv);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot derive the agent link's ed25519 keys: " + e.getMessage(), e);
        }
    }

    /** The host key's fingerprint ({@code SHA256:...}), for logs. */
    public String hostFingerprint() {
        return KeyUtils.getFingerPrint(host.getPublic());
    }

    @Override
    public String toString() {
        return "AgentLinkKeys[host " + hostFingerprint() + "]"; // never the private halves
    }
}
