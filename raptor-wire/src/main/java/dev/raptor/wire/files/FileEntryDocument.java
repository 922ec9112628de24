package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One entry of a directory listing, as a file manager shows it.
 *
 * @param type       {@code file}, {@code directory}, {@code symlink} (described, not followed) or {@code other}
 *                   (a FIFO, socket or device: listed, never opened)
 * @param size       bytes (a link's own size)
 * @param mode       permission bits as four octal digits, {@code "0644"}
 * @param created    birth time, null when the file system does not record it
 * @param mime       a MIME type from the name ({@code inode/directory}, {@code inode/symlink}...)
 * @param linkTarget a link's target as stored; absent for other entries
 * @param linkInside whether a link stays inside the server's root (then it may be followed); absent for other entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileEntryDocument(String name, String type, long size, String mode, Instant modified,
                                @JsonInclude(JsonInclude.Include.ALWAYS) Instant created, String mime, String linkTarget,
                                Boolean linkInside) {
}
