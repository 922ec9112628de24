package dev.raptor.store.sftp;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Password hashes for SFTP/FTP users. New hashes are Argon2id (memory-hard; BouncyCastle's implementation) in the
 * PHC string format {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, which carries its own parameters.
 * Verification also accepts the two older forms a node may hold, so nobody is locked out by an upgrade:
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (what schema 2 stored) and bcrypt ({@code $2a$}, {@code $2b$},
 * {@code $2y$}: what the earlier daemon's {@code ftp_credentials.json} holds). {@link #needsRehash} says when a
 * verified password should be stored again in the current form. Comparison is constant-time; malformed hashes
 * never match. Thread-safe; never logs or keeps a password.
 */
public final class PasswordHasher {
    private static final String ARGON2ID = "$argon2id$";
    private static final String PBKDF2 = "pbkdf2-sha256$";
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final PasswordCost cost;
    private final SecureRandom random = new SecureRandom();
    private final byte[] decoySalt = new byte[SALT_BYTES];

    public PasswordHasher(PasswordCost cost) {
        this.cost = java.util.Objects.requireNonNull(cost, "cost");
        random.nextBytes(decoySalt);
    }

    public PasswordCost cost() {
        return cost;
    }

    /** A new Argon2id hash of {@code password} with a fresh salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2(password, salt, cost);
        return ARGON2ID + "v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code encoded} (any of the accepted forms). */
    public boolean verify(char[] password, String encoded) {
        if (encoded == null) {
            decoy(password);
            return false;
        }
        if (encoded.startsWith(ARGON2ID)) {
            Matcher m = PHC.matcher(encoded);
            if (!m.matches()) {
                decoy(password);
                return false;
            }
            PasswordCost stored;
            byte[] salt;
            byte[] expected;
            try {
                stored = new PasswordCost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
                salt = B64D.decode(m.group(4));
                expected = B64D.decode(m.group(5));
            } catch (IllegalArgumentException e) {
                decoy(password);
                return false;
            }
            return MessageDigest.isEqual(argon2(password, salt, stored, expected.length), expected);
        }
        if (encoded.startsWith(PBKDF2)) {
            return verifyPbkdf2(password, encoded);
        }
        if (BCRYPT.matcher(encoded).matches()) {
            try {
                return OpenBSDBCrypt.checkPassword(encoded, password);
            } catch (IllegalArgumentException e) {
                return false; // bcrypt refuses passwords over 72 bytes: such a password never matched
            }
        }
        decoy(password);
        return false;
    }

    /** Whether {@code encoded} is not an Argon2id hash with this hasher's cost (an older form, or older parameters). */
    public boolean needsRehash(String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            return true;
        }
        return Integer.parseInt(m.group(1)) != cost.memoryKiB() || Integer.parseInt(m.group(2)) != cost.iterations()
                || Integer.parseInt(m.group(3)) != cost.parallelism();
    }

    /**
     * Spends the work of a verification and returns nothing, so that a login for an unknown user takes as long as
     * one with a wrong password and timing tells nobody which usernames exist.
     */
    public void decoy(char[] password) {
        argon2(password == null ? new char[0] : password, decoySalt, cost);
    }

    /** Whether {@code encoded} has one of the shapes {@link #verify} accepts (an import checks this up front). */
    public static boolean isSupportedHash(String encoded) {
        if (encoded == null) {
            return false;
        }
        if (encoded.startsWith(ARGON2ID)) {
            return PHC.matcher(encoded).matches();
        }
        if (encoded.startsWith(PBKDF2)) {
            return encoded.split("\\$").length == 4;
        }
        return BCRYPT.matcher(encoded).matches();
    }

    private static byte[] argon2(char[] password, byte[] salt, PasswordCost c) {
        return argon2(password, salt, c, HASH_BYTES);
    }

    private static byte[] argon2(char[] password, byte[] salt, PasswordCost c, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(c.memoryKiB())
                .withIterations(c.iterations())
                .withParallelism(c.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[Math.max(4, length)];
        generator.generateBytes(password, out);
        return out;
    }

    private boolean verifyPbkdf2(char[] password, String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length != 4) {
            decoy(password);
            return false;
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = B64D.decode(parts[2]);
            expected = B64D.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            decoy(password);
            return false;
        }
        if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS || salt.length == 0 || expected.length == 0) {
            decoy(password);
            return false;
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, expected.length * 8);
        try {
            byte[] actual = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return MessageDigest.isEqual(actual, expected);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK but is unavailable here", e);
        } finally {
            spec.clearPassword();
        }
    }
}
