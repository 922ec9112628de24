package dev.raptor.core.image;

import dev.raptor.core.validation.Problems;

import java.util.regex.Pattern;

/**
 * What to make an image of a server's container as ({@code docker commit}).
 *
 * @param repository the image's repository, e.g. {@code backups/lobby} or {@code registry.local:5000/lobby}
 * @param tag        its tag; null = {@code latest}
 * @param message    the commit message the image records; may be null
 * @param pause      whether to freeze the container while its filesystem is copied (consistent, but the game
 *                   stops answering for that moment); a running server is copied live otherwise
 */
public record CommitRequest(String repository, String tag, String message, boolean pause) {
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    public CommitRequest {
        Problems p = new Problems();
        if (tag != null && tag.isBlank()) {
            tag = null;
        }
        p.check(repository != null && !repository.isBlank(), "repository", "is required, e.g. backups/lobby");
        if (repository != null && !repository.isBlank()) {
            p.check(!repository.contains("@") && ImageReference.isValid(repository) && repository.lastIndexOf(':') <= repository.lastIndexOf('/'),
                    "repository", "must be a repository name without tag, e.g. backups/lobby (was '" + repository + "')");
        }
        p.check(tag == null || TAG.matcher(tag).matches(), "tag", "must be 1-128 of letters, digits, _ . - (was '" + tag + "')");
        p.check(message == null || message.length() <= 4096, "message", "must be at most 4096 characters");
        p.throwIfAny();
    }

    /** {@code repository:tag}. */
    public String reference() {
        return repository + ":" + (tag == null ? "latest" : tag);
    }
}
