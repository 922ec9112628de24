package dev.raptor.sftp.login;

import java.util.Locale;

/** The ways in to a server's files that share users, guard and sessions: SFTP and FTP (FTPS counts as FTP). */
public enum TransferProtocol {
    SFTP,
    FTP;

    /** As logs, activity details and metric labels spell it: {@code sftp}, {@code ftp}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
