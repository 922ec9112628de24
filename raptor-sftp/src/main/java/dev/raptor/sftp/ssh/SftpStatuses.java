package dev.raptor.sftp.ssh;

import dev.raptor.files.BadPathException;
import dev.raptor.files.ConflictException;
import dev.raptor.files.DeniedException;
import dev.raptor.files.DiskFullException;
import dev.raptor.files.FilesException;
import dev.raptor.files.FilesLockedException;
import dev.raptor.files.NotADirectoryException;
import dev.raptor.files.NotAFileException;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.PathOutsideRootException;
import dev.raptor.files.QuotaExceededException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;

/**
 * The SFTP status for a refusal. A jail refusal ({@link FilesException}, also as the cause of a NIO exception)
 * answers with its own status and its own message: the quota with {@code SSH_FX_QUOTA_EXCEEDED}, a path outside
 * the root, a deny rule, a missing permission or locked files with {@code SSH_FX_PERMISSION_DENIED}, and so on,
 * in the codes of the client's protocol version. Anything else is {@code SSH_FX_FAILURE} with a generic message:
 * an unexpected error's text (which may name host paths) stays in the log.
 */
final class SftpStatuses implements SftpErrorStatusDataHandler {

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        FilesException fe = filesException(e);
        if (fe == null) {
            return SftpHelper.resolveSubstatus(e);
        }
        boolean v4 = sftp.getVersion() >= SftpConstants.SFTP_V4;
        boolean v5 = sftp.getVersion() >= SftpConstants.SFTP_V5;
        boolean v6 = sftp.getVersion() >= SftpConstants.SFTP_V6;
        return switch (fe) {
            case QuotaExceededException q -> SftpConstants.SSH_FX_QUOTA_EXCEEDED;
            case DiskFullException d -> v5 ? SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM : SftpConstants.SSH_FX_FAILURE;
            case NotFoundException n -> SftpConstants.SSH_FX_NO_SUCH_FILE;
            case PathOutsideRootException p -> SftpConstants.SSH_FX_PERMISSION_DENIED;
            case DeniedException d -> SftpConstants.SSH_FX_PERMISSION_DENIED;
            case FilesLockedException l -> SftpConstants.SSH_FX_PERMISSION_DENIED;
            case ConflictException c -> v5 ? (c.getMessage().contains("not empty") ? SftpConstants.SSH_FX_DIR_NOT_EMPTY
                    : SftpConstants.SSH_FX_FILE_ALREADY_EXISTS) : SftpConstants.SSH_FX_FAILURE;
            case NotADirectoryException n -> v6 ? SftpConstants.SSH_FX_NOT_A_DIRECTORY : SftpConstants.SSH_FX_FAILURE;
            case NotAFileException n -> v6 ? SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY : SftpConstants.SSH_FX_FAILURE;
            case BadPathException b -> v4 ? SftpConstants.SSH_FX_INVALID_FILENAME : SftpConstants.SSH_FX_FAILURE;
            default -> SftpConstants.SSH_FX_FAILURE;
        };
    }

    @Override
    public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int subStatus, int cmd,
                                      Object... args) {
        FilesException fe = filesException(e);
        if (fe != null) {
            return fe.getMessage();
        }
        if (e instanceof java.nio.file.FileSystemException || e instanceof UnsupportedOperationException) {
            return SftpHelper.resolveStatusMessage(subStatus);
        }
        return SftpHelper.resolveStatusMessage(subStatus);
    }

    static FilesException filesException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FilesException f) {
                return f;
            }
        }
        return null;
    }
}
