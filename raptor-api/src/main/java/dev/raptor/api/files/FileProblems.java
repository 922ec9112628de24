package dev.raptor.api.files;

import dev.raptor.api.operations.ProblemTitles;
import dev.raptor.files.BadArchiveException;
import dev.raptor.files.BadPathException;
import dev.raptor.files.CancelledException;
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
import dev.raptor.wire.problem.Problem;

/**
 * The problem each refusal of the file jail answers: a 4xx naming the path (a quota refusal 507 with the figures),
 * its type the refusal's own slug. The one place these statuses are decided.
 */
public final class FileProblems {
    private FileProblems() {
    }

    public static Problem of(FilesException e) {
        int status = switch (e) {
            case PathOutsideRootException p -> 403;
            case DeniedException d -> 403;
            case NotFoundException n -> 404;
            case QuotaExceededException q -> 507;
            case DiskFullException d -> 507;
            case NotAFileException n -> 400;
            case NotADirectoryException n -> 400;
            case ConflictException c -> 409;
            case BadPathException b -> 400;
            case CancelledException c -> 409;
            case BadArchiveException b -> 422;
            case FilesLockedException l -> 409; // Raptor itself rewrites the files (a restore): try again after it
        };
        Problem p = Problem.of(status, e.problem(), ProblemTitles.of(e.problem()), e.getMessage());
        if (e.path() != null) {
            p = p.withPath(e.path());
        }
        if (e instanceof QuotaExceededException q) {
            p = p.withQuota(q.usedBytes(), q.limitBytes(), q.neededBytes());
        }
        return p;
    }
}
