package dev.raptor.core.sftp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The shape of one OpenSSH {@code authorized_keys} line as the store accepts it: {@code type base64 [comment]},
 * a key type SSH servers still offer, and a key blob that names that same type. Options ({@code from=},
 * {@code command=}...) are refused rather than silently ignored. The SFTP server parses the key itself; this check
 * only keeps garbage out of the database and names the problem.
 */
public final class PublicKeyLine {
    private static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

    private PublicKeyLine() {
    }

    /** Null when {@code line} is an acceptable key, otherwise what is wrong with it. */
    public static String problem(String line) {
        if (line == null || line.isBlank()) {
            return "is empty";
        }
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            return "must be one line";
        }
        if (line.length() > 16_384) {
            return "is longer than 16384 characters";
        }
        String[] parts = line.strip().split("\\s+", 3);
        if (!TYPES.contains(parts[0])) {
            return "must start with a key type (" + String.join(", ", TYPES.stream().sorted().toList())
                    + "); options such as from= or command= are not supported";
        }
        if (parts.length < 2) {
            return "has no key after its type";
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return "its key is not base64";
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (b.remaining() < 4) {
            return "its key is truncated";
        }
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            return "its key is truncated";
        }
        byte[] type = new byte[n];
        b.get(type);
        if (!parts[0].equals(new String(type, StandardCharsets.US_ASCII))) {
            return "its key is a " + new String(type, StandardCharsets.US_ASCII) + " key, not " + parts[0];
        }
        return null;
    }
}
