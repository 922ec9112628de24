package dev.raptor.store.sftp;

import dev.raptor.core.sftp.SftpUser;

/** The answer to a password login ({@link SftpUsers#checkPassword}): accepted with the user, or refused with why. */
public sealed interface LoginCheck {
    record Accepted(SftpUser user) implements LoginCheck {
    }

    /** Why a login was refused; the client is only ever told "refused", the log and activity say which. */
    record Refused(Reason reason) implements LoginCheck {
    }

    enum Reason {
        UNKNOWN_USER, WRONG_PASSWORD, NO_PASSWORD, EXPIRED
    }
}
