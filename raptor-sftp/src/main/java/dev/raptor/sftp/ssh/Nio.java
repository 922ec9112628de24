package dev.raptor.sftp.ssh;

import dev.raptor.files.ConflictException;
import dev.raptor.files.DeniedException;
import dev.raptor.files.FilesException;
import dev.raptor.files.FilesLockedException;
import dev.raptor.files.NotADirectoryException;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.PathOutsideRootException;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The jail's refusals as the NIO exceptions MINA's SFTP code understands ({@code Files.exists} reads a
 * {@link NoSuchFileException} as "absent"). The {@link FilesException} stays the cause, so {@link SftpStatuses}
 * answers with its status and its message (which names the path as the user gave it, never a host path).
 */
final class Nio {
    private Nio() {
    }

    static FileSystemException translate(FilesException e) {
        String path = e.path();
        FileSystemException nio = switch (e) {
            case NotFoundException n -> new NoSuchFileException(path, null, e.getMessage());
            case PathOutsideRootException p -> new AccessDeniedException(path, null, e.getMessage());
            case DeniedException d -> new AccessDeniedException(path, null, e.getMessage());
            case FilesLockedException l -> new AccessDeniedException(path, null, e.getMessage());
            case ConflictException c -> new FileAlreadyExistsException(path, null, e.getMessage());
            case NotADirectoryException n -> new NotDirectoryException(path);
            default -> new FileSystemException(path, null, e.getMessage());
        };
        nio.initCause(e);
        return nio;
    }
}
