package dev.raptor.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The secrets server tokens are signed with, each named by a key id ({@code kid}): the current one, in
 * {@value #CURRENT_FILE}, signs every new token; after a rotation ({@link #rotate}) the one before it, in
 * {@value #PREVIOUS_FILE} with its retirement time, still verifies the tokens it signed until then. Both files are
 * in the data directory, mode 0600, and followed like the API key: one {@code stat} each per use, read again when
 * they change, so {@code raptord key rotate --tokens} takes effect in a running daemon without a restart.
 *
 * <p>A key id is derived from its secret (a SHA-256 prefix: naming the key, revealing nothing of it), so the files
 * hold secrets only and a token issued before key ids existed (none in its header) is checked against the current
 * secret. Thread-safe.
 */
final class TokenKeys {
    private static final Logger log = LoggerFactory.getLogger(TokenKeys.class);
    static final String CURRENT_FILE = "token-secret";
    static final String PREVIOUS_FILE = "token-secret.previous";
    /** A secret has at least this many bytes (HS256 wants 256 bits). */
    static final int MIN_SECRET_BYTES = 32;

    /**
     * A signing secret.
     *
     * @param retiresAt null for the current key; for the previous one, when its tokens stop being accepted
     */
    record Key(String id, byte[] secret, Instant retiresAt) {
        Key {
            secret = secret.clone();
        }

        static Key of(byte[] secret, Instant retiresAt) {
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("a token secret needs at least 256 bits");
            }
            return new Key(idOf(secret), secret, retiresAt);
        }

        boolean retiredAt(Instant now) {
            return retiresAt != null && !now.isBefore(retiresAt);
        }

        @Override
        public byte[] secret() {
            return secret.clone();
        }

        @Override
        public String toString() {
            return "Key[" + id + (retiresAt == null ? "" : ", retires " + retiresAt) + "]"; // never the secret
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id.equals(id) && Arrays.equals(k.secret, secret) && Objects.equals(k.retiresAt, retiresAt);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /** The keys as last read, and the stamps of the files they were read from. */
    private record Ring(Key current, Key previous, Optional<SecretFile.Stamp> currentStamp, Optional<SecretFile.Stamp> previousStamp) {
    }

    private final Path dataDir;
    private final ReentrantLock reload = new ReentrantLock();
    private volatile Ring ring;

    private TokenKeys(Path dataDir, Ring ring) {
        this.dataDir = dataDir;
        this.ring = ring;
    }

    /** One key that never changes (tests, tools). */
    static TokenKeys fixed(byte[] secret) {
        return new TokenKeys(null, new Ring(Key.of(secret, null), null, Optional.empty(), Optional.empty()));
    }

    /** The keys of {@code dataDir}; the current secret is generated (mode 0600) when there is none. */
    static TokenKeys followed(Path dataDir) {
        SecretFile.readOrCreate(dataDir.resolve(CURRENT_FILE), TokenKeys::generate);
        TokenKeys keys = new TokenKeys(dataDir, null);
        keys.ring();
        return keys;
    }

    /** The key new tokens are signed with. */
    Key current() {
        return ring().current();
    }

    /** The key named {@code id}: the current one or the previous one (retired or not: the caller decides). */
    Optional<Key> byId(String id) {
        Ring r = ring();
        if (r.current().id().equals(id)) {
            return Optional.of(r.current());
        }
        return r.previous() != null && r.previous().id().equals(id) ? Optional.of(r.previous()) : Optional.empty();
    }

    /** What a rotation did. */
    record Rotation(String newKeyId, String previousKeyId, Instant previousRetiresAt, Path currentFile, Path previousFile) {
    }

    /**
     * Replaces the current secret of {@code dataDir} with a new one and keeps the old one in {@value #PREVIOUS_FILE},
     * accepted until {@code now + grace} (a previous key an earlier rotation kept is dropped). The previous file is
     * written first, so a daemon reading between the two writes still knows the old key. Both files keep the
     * current one's owner, so a root operator rotating the secret of a daemon that runs as another user leaves
     * them readable by it.
     *
     * @throws IllegalStateException when there is no secret to rotate yet
     */
    static Rotation rotate(Path dataDir, Duration grace, Instant now) {
        Path current = dataDir.resolve(CURRENT_FILE);
        Path previous = dataDir.resolve(PREVIOUS_FILE);
        byte[] old = SecretFile.read(current).map(TokenKeys::decode)
                .orElseThrow(() -> new IllegalStateException("there is no token secret in " + current + " yet"));
        Instant retires = now.plus(grace);
        SecretFile.replace(previous, "secret=" + Base64.getEncoder().encodeToString(old) + "\nretires=" + retires, current);
        String fresh = generate();
        SecretFile.replace(current, fresh);
        return new Rotation(idOf(decode(fresh)), idOf(old), retires, current, previous);
    }

    private Ring ring() {
        Ring r = ring;
        if (dataDir == null) {
            return r;
        }
        Path currentFile = dataDir.resolve(CURRENT_FILE);
        Path previousFile = dataDir.resolve(PREVIOUS_FILE);
        Optional<SecretFile.Stamp> cs = SecretFile.stamp(currentFile);
        Optional<SecretFile.Stamp> ps = SecretFile.stamp(previousFile);
        if (r != null && r.currentStamp().equals(cs) && r.previousStamp().equals(ps)) {
            return r;
        }
        reload.lock();
        try {
            r = ring;
            if (r != null && r.currentStamp().equals(cs) && r.previousStamp().equals(ps)) {
                return r;
            }
            // Stamps taken before the reads: a change during a read is seen at the next use and read again.
            Key current = r == null ? null : r.current();
            try {
                Optional<String> text = SecretFile.read(currentFile);
                if (text.isPresent()) {
                    current = Key.of(decode(text.get()), null);
                } else if (current != null) {
                    log.warn("the token secret {} is gone or empty: tokens are still signed with the key read before", currentFile);
                }
            } catch (UncheckedIOException | IllegalArgumentException e) {
                if (current == null) {
                    throw new IllegalStateException("cannot read the token secret " + currentFile + ": " + e.getMessage(), e);
                }
                log.warn("cannot read the token secret {} ({}): tokens are still signed with the key read before", currentFile, e.getMessage());
            }
            Key previous = readPrevious(previousFile);
            if (r != null && !r.current().id().equals(current.id())) {
                log.info("the server-token secret changed (key {} now signs new tokens; key {} is accepted until {})", current.id(),
                        previous == null ? "none" : previous.id(), previous == null ? "-" : previous.retiresAt());
            }
            Ring fresh = new Ring(current, previous, cs, ps);
            ring = fresh;
            return fresh;
        } finally {
            reload.unlock();
        }
    }

    private static Key readPrevious(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Optional<String> text = SecretFile.read(file);
            if (text.isEmpty()) {
                return null;
            }
            String secret = null;
            Instant retires = null;
            for (String line : text.get().split("\n")) {
                String l = line.strip();
                if (l.startsWith("secret=")) {
                    secret = l.substring("secret=".length());
                } else if (l.startsWith("retires=")) {
                    retires = Instant.parse(l.substring("retires=".length()));
                }
            }
            if (secret == null || retires == null) {
                log.warn("{} names no secret= or retires= line: no previous token secret is accepted", file);
                return null;
            }
            return Key.of(decode(secret), retires);
        } catch (UncheckedIOException | IllegalArgumentException | DateTimeParseException e) {
            log.warn("cannot read the previous token secret {} ({}): no previous token secret is accepted", file, e.getMessage());
            return null;
        }
    }

    /** A new secret: 256 random bits, base64 (the file's form). */
    static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64.strip());
    }

    /** The key id of {@code secret}: 48 bits of its SHA-256, base64url (8 characters). */
    static String idOf(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
