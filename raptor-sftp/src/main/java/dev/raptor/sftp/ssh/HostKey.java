package dev.raptor.sftp.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;

/**
 * The SFTP server's ed25519 host key: generated once into the data directory ({@code sftp_host_ed25519_key}, mode
 * 0600, OpenSSH's private-key format) and loaded from there at every start, so clients see the same fingerprint
 * across restarts. A key file that others may read is closed to them (and said so) before it is used.
 */
public final class HostKey {
    private static final Logger log = LoggerFactory.getLogger(HostKey.class);
    public static final String FILE_NAME = "sftp_host_ed25519_key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final KeyPair keyPair;
    private final boolean generated;

    private HostKey(KeyPair keyPair, boolean generated) {
        this.keyPair = keyPair;
        this.generated = generated;
    }

    /** Loads the key in {@code dataDir}, generating it first when there is none. */
    public static HostKey loadOrGenerate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        boolean generated = false;
        if (!Files.exists(file)) {
            generated = generate(file);
        }
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            log.atWarn().addKeyValue("file", file).log("the SFTP host key could be read by others; it is 0600 now");
        }
        Iterator<KeyPair> keys = new FileKeyPairProvider(file).loadKeys(null).iterator();
        if (!keys.hasNext()) {
            throw new IOException("the SFTP host key file " + file + " holds no key");
        }
        KeyPair kp = keys.next();
        if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(kp))) {
            throw new IOException("the SFTP host key file " + file + " holds a " + KeyUtils.getKeyType(kp) + " key, not ssh-ed25519");
        }
        HostKey key = new HostKey(kp, generated);
        log.atInfo().addKeyValue("file", file).addKeyValue("fingerprint", key.fingerprint()).addKeyValue("generated", generated)
                .log("SFTP host key");
        return key;
    }

    /** Writes a new key under a temporary name, created 0600, then renames it into place (whole or absent). */
    private static boolean generate(Path file) throws IOException {
        KeyPair kp;
        try {
            kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ed25519 host key: " + e.getMessage(), e);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "raptor sftp host key", null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the ed25519 host key: " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp); // another start made one first: use that
            return false;
        }
        return true;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** Whether this start made the key. */
    public boolean generated() {
        return generated;
    }

    /** {@code SHA256:...}, as {@code ssh-keygen -lf} and clients print it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }
}
