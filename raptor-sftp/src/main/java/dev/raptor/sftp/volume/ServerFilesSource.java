package dev.raptor.sftp.volume;

import dev.raptor.files.ServerFiles;

import java.util.UUID;

/**
 * Hands out a server's files under its current policy (its deny and read-only rules, its quota). Asked once per
 * operation, so a changed spec applies to open sessions at once. The daemon builds it from its
 * {@link dev.raptor.files.ServerVolumes} and the servers' specs.
 */
@FunctionalInterface
public interface ServerFilesSource {
    ServerFiles files(UUID serverId);
}
