package dev.raptor.core.messaging;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where a server's message socket lives. The daemon listens on {@code <dataDir>/sockets/<id>/messages.sock};
 * the server's program finds it where {@code RAPTOR_SOCKET} says: in a container at
 * {@value #CONTAINER_PATH} (the directory is mounted at {@value #CONTAINER_DIRECTORY}), on the process
 * runtime at the host path itself.
 *
 * <p>A directory per server, not a file: a mounted file is pinned to its inode, and the socket is a new
 * inode every time the daemon binds it again (after a restart), so only a mounted directory lets a
 * running container see the new socket. The name is short because a Unix socket's path has at most
 * 107 bytes.
 */
public final class MessageSocketPaths {
    /** Where the socket's directory appears inside a container. */
    public static final String CONTAINER_DIRECTORY = "/run/raptor";
    /** The socket's file name. */
    public static final String FILE_NAME = "messages.sock";
    /** What {@code RAPTOR_SOCKET} says inside a container. */
    public static final String CONTAINER_PATH = CONTAINER_DIRECTORY + "/" + FILE_NAME;

    private MessageSocketPaths() {
    }

    /** {@code <dataDir>/sockets}, beside the volumes directory. */
    public static Path root(Path volumesRoot) {
        return volumesRoot.toAbsolutePath().normalize().resolveSibling("sockets");
    }

    /**
     * The server's socket directory, from its data directory ({@code <dataDir>/volumes/<id>}), as a
     * runtime is handed it.
     */
    public static Path directoryOf(Path serverDataDir, UUID serverId) {
        Path volume = serverDataDir.toAbsolutePath().normalize();
        return root(volume.getParent()).resolve(serverId.toString());
    }

    /** The socket in a server's socket directory. */
    public static Path socket(Path directory) {
        return directory.resolve(FILE_NAME);
    }
}
