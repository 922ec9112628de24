package dev.raptor.sftp.login;

import java.util.List;
import java.util.function.Predicate;

/** What a client offers to prove who it is. */
public sealed interface Credential {
    /** A password (SFTP password authentication, FTP {@code PASS}); the array is the caller's to wipe. */
    record Password(char[] value) implements Credential {
        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /**
     * A public key the client proved it holds (SSH checks the signature); {@code matches} says whether it is one of
     * a user's {@code authorized_keys} lines.
     */
    record PublicKey(String fingerprint, Predicate<List<String>> matches) implements Credential {
    }
}
