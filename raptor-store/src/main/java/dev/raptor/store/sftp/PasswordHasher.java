package dev.raptor.store.sftp;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PBKDF2-HMAC-SHA256 password hashes with a random 16-byte salt, using only the JDK. The encoded form
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64 without padding) carries its own iteration
 * count, so raising the count later leaves existing hashes verifiable. Comparison is constant-time.
 * Thread-safe. Never logs or keeps a password.
 */
public final class PasswordHasher {
    /** OWASP's floor for PBKDF2 is 210,000 iterations (with SHA-512; 600,000 with SHA-256). */
    public static final int DEFAULT_ITERATIONS = 210_000;

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final byte[] decoySalt = new byte[SALT_BYTES];

    public PasswordHasher(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS + " (was " + iterations + ")");
        }
        this.iterations = iterations;
        random.nextBytes(decoySalt);
    }

    public int iterations() {
        return iterations;
    }

    /** A new encoded hash of {@code password} with a fresh salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code encoded}. Compares in constant time; a malformed
     * {@code encoded} never matches.
     */
    public boolean verify(char[] password, String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            decoy(password);
            return false;
        }
        int storedIterations;
        byte[] salt;
        byte[] expected;
        try {
            storedIterations = Integer.parseInt(parts[1]);
            salt = B64D.decode(parts[2]);
            expected = B64D.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            decoy(password);
            return false;
        }
        if (storedIterations < 1 || storedIterations > MAX_ITERATIONS || salt.length == 0 || expected.length == 0) {
            decoy(password);
            return false;
        }
        byte[] actual = derive(password, salt, storedIterations);
        return MessageDigest.isEqual(actual, expected);
    }

    /**
     * Spends the same work as a verification and returns nothing, so that a login for an unknown user
     * takes as long as one with a wrong password and timing tells nobody which usernames exist.
     */
    public void decoy(char[] password) {
        derive(password, decoySalt, iterations);
    }

    /** Whether {@code encoded} was made with fewer iterations than this hasher uses now. */
    public boolean needsRehash(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        try {
            return parts.length != 4 || !SCHEME.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK but is unavailable here", e);
        } finally {
            spec.clearPassword();
        }
    }
}
