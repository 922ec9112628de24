package dev.raptor.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node API key: the panel's credential for everything on this node. Compared in constant time
 * (both sides hashed first, so not even the length leaks).
 *
 * <p>A key given by configuration never changes. A key kept in a file ({@value #FILE_NAME} in the data
 * directory) is the file's content <em>now</em>: every check looks at the file's identity (inode, size,
 * modification time; one {@code stat}) and reads it again when it changed, so replacing the file
 * ({@link #rotate}) refuses the old key from the next request on, without a restart. While the file is
 * missing or empty no key matches (the Unix socket still works).
 */
public final class ApiKey {
    private static final Logger log = LoggerFactory.getLogger(ApiKey.class);
    /** File in the data directory holding a generated key. */
    public static final String FILE_NAME = "api-key";
    /** Shortest key accepted from configuration. */
    public static final int MIN_LENGTH = 16;

    private final Path file;
    private final String source;
    private final boolean generated;
    private final ReentrantLock reload = new ReentrantLock();
    private volatile Current current;

    /** The key as last read, and the identity of the file it was read from (null for a configured key). */
    private record Current(String value, byte[] digest, Object fileKey, FileTime modified, long size) {
        boolean readFrom(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }

    private ApiKey(Path file, String source, boolean generated, Current current) {
        this.file = file;
        this.source = source;
        this.generated = generated;
        this.current = current;
    }

    /** A key given by configuration ({@code RAPTOR_API_KEY} or the config file), which never changes. */
    public static ApiKey of(String key, String source) {
        Objects.requireNonNull(key, "key");
        if (key.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the API key must be at least " + MIN_LENGTH + " characters");
        }
        return new ApiKey(null, source, false, new Current(key.strip(), sha256(key.strip()), null, null, 0));
    }

    /** The key stored in {@code dataDir}, generated (and stored with mode 0600) when there is none, and followed from then on. */
    public static ApiKey loadOrGenerate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        SecretFile.Loaded loaded = SecretFile.readOrCreate(file, ApiKey::generate);
        ApiKey key = new ApiKey(file, file.toString(), loaded.created(), null);
        key.current();
        return key;
    }

    /**
     * Writes a new key into {@code file} at once (mode 0600, keeping the old file's owner). A daemon following the
     * file refuses the old key from its next request on.
     *
     * @return the new key
     */
    public static String rotate(Path file) {
        String key = generate();
        SecretFile.replace(file, key);
        return key;
    }

    /**
     * The key in {@code file}, for an operator's command (no generation, no following).
     *
     * @throws UncheckedIOException when the file cannot be read (typically: not root)
     */
    public static Optional<String> read(Path file) {
        return SecretFile.read(file);
    }

    /** A fresh random key: {@code rpt_} and 43 base64url characters (256 bits). */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "rpt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code presented} is this key, in time independent of where they differ. */
    public boolean matches(String presented) {
        Current k = current();
        if (presented == null || k == null) {
            return false;
        }
        if (Thread.currentThread().isVirtual()) {
            return MessageDigest.isEqual(k.digest(), sha256(presented)); // a thread per request: nothing to reuse
        }
        return MessageDigest.isEqual(k.digest(), PER_THREAD.get().digest(presented));
    }

    /**
     * A SHA-256 digest and its output kept by a platform thread (Jetty's, which answer the polled list back to back):
     * a digest made per request was ~0.5 KB of garbage a poll. The same bytes as {@link #sha256}: the UTF-8 bytes of
     * the text, fed without copying them when the text is ASCII (as every generated key is).
     */
    private static final class ThreadDigest {
        private final MessageDigest sha256 = newSha256();
        private final byte[] out = new byte[32];

        /** The digest of {@code s}, in this thread's own array (valid until its next call). */
        byte[] digest(String s) {
            sha256.reset();
            boolean ascii = true;
            for (int i = 0; i < s.length() && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (ascii) {
                for (int i = 0; i < s.length(); i++) {
                    sha256.update((byte) s.charAt(i));
                }
            } else {
                sha256.update(s.getBytes(StandardCharsets.UTF_8));
            }
            try {
                sha256.digest(out, 0, out.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
            }
            return out;
        }
    }

    private static final ThreadLocal<ThreadDigest> PER_THREAD = ThreadLocal.withInitial(ThreadDigest::new);

    /** Where it comes from: the setting that gave it, or the file. */
    public String source() {
        return source;
    }

    /** The file the key is read from, when it is one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Whether it was generated by this boot. */
    public boolean generatedNow() {
        return generated;
    }

    /** The key itself, for printing to the operator; empty when its file is gone. */
    public Optional<String> reveal() {
        return Optional.ofNullable(current()).map(Current::value);
    }

    @Override
    public String toString() {
        return "ApiKey[source=" + source + "]";
    }

    /** The key now: the configured one, or the file's content, read again when the file changed. */
    private Current current() {
        if (file == null) {
            return current;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            forget("the key file " + file + " cannot be read (" + e + "): every API key is refused until it is back");
            return null;
        }
        Current k = current;
        if (k != null && k.readFrom(a)) {
            return k;
        }
        reload.lock();
        try {
            k = current;
            if (k != null && k.readFrom(a)) {
                return k;
            }
            Optional<String> value = SecretFile.read(file);
            if (value.isEmpty()) {
                forget("the key file " + file + " is empty: every API key is refused until it holds one");
                return null;
            }
            // Identity taken before the read: a change during the read is seen at the next check and read again.
            Current fresh = new Current(value.get(), sha256(value.get()), a.fileKey(), a.lastModifiedTime(), a.size());
            if (k != null) {
                log.info("the node API key in {} changed; the previous key is refused from now on", file);
            }
            current = fresh;
            return fresh;
        } catch (UncheckedIOException e) {
            forget("the key file " + file + " cannot be read (" + e.getCause() + "): every API key is refused until it is back");
            return null;
        } finally {
            reload.unlock();
        }
    }

    private void forget(String why) {
        if (current != null) {
            log.warn(why);
        }
        current = null;
    }

    private static byte[] sha256(String s) {
        return newSha256().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
