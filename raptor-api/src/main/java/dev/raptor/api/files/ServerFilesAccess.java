package dev.raptor.api.files;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.FilesLockedException;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.ServerVolumes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A server's files under its spec's current policy: its file rules and its quota ({@code limits.diskMiB}). The
 * volume is made (0700) when a server that never ran gets its first file, so files can go in before the first
 * start; the runtime hands it to the server's user at that start.
 */
public final class ServerFilesAccess {
    /** Where a server's file policy comes from: its spec in the fleet here, the manager's word on a node agent. */
    @FunctionalInterface
    public interface Policies {
        /** @throws ServerNotFoundException when there is no such server */
        FilePolicy of(UUID serverId);
    }

    private final Policies policies;
    private final ServerVolumes volumes;

    public ServerFilesAccess(ServerFleet fleet, ServerVolumes volumes) {
        this(id -> policy(fleet.find(id).orElseThrow(() -> new ServerNotFoundException(id)).stored().spec()), volumes);
    }

    public ServerFilesAccess(Policies policies, ServerVolumes volumes) {
        this.policies = policies;
        this.volumes = volumes;
    }

    /**
     * @throws ServerNotFoundException when there is no such server
     * @throws FilesLockedException    while Raptor itself rewrites the server's files (a restore, a reinstall): the file
     *                                 API is one of the doors users are kept out by
     */
    public ServerFiles of(UUID serverId) throws FilesLockedException {
        FilePolicy policy = policies.of(serverId);
        volumes.locks().requireUnlocked(serverId);
        Path root = volumes.root(serverId);
        if (!Files.isDirectory(root)) {
            try {
                Files.createDirectories(root.getParent());
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile (by a start, or another request)
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the volume of server " + serverId, e);
            }
        }
        return volumes.files(serverId, policy);
    }

    /** The file policy of a spec: its rules and its quota. */
    public static FilePolicy policy(ServerSpec spec) {
        return FilePolicy.of(spec);
    }

    public ServerVolumes volumes() {
        return volumes;
    }
}
