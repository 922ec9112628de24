package dev.raptor.sftp.login;

/** The answer to a login attempt: accepted, or refused (the client learns nothing more; logs and activity do). */
public sealed interface LoginOutcome {
    record Accepted(Login login) implements LoginOutcome {
    }

    /** @param reason for logs and activity only */
    record Refused(String reason) implements LoginOutcome {
    }
}
