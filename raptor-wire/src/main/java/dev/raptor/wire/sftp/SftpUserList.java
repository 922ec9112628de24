package dev.raptor.wire.sftp;

import java.util.List;

/** {@code GET /servers/{id}/sftp-users}: the server's users, by username. */
public record SftpUserList(List<SftpUserDocument> users) {
}
