package dev.raptor.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The per-server "files locked" state: while Raptor itself rewrites a server's files (a backup being restored, a
 * reinstall, a delete), users may not reach them by any door (SFTP, FTP, the file API). A feature that does such
 * work holds a {@link Lock} for its duration ({@code try (var lock = locks.lock(id, "restoring a backup")) {...}});
 * locks of one server stack, and the files open again when the last one is closed. Doors check
 * {@link #requireUnlocked} before they let someone in, and {@link #onLocked listen} to end what is already open.
 * One per daemon; thread-safe; no I/O.
 */
public final class FilesLocks {
    private static final Logger log = LoggerFactory.getLogger(FilesLocks.class);

    /** The reasons a server's files are locked for, one per open lock (a server without locks has no entry). */
    private final Map<UUID, List<String>> held = new ConcurrentHashMap<>();
    private final List<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();

    /** A held lock; closing it (once, idempotently) lets users back in when it was the last one. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Locks a server's files for users until the returned lock is closed. Listeners are told before this returns,
     * so every open session of the server has been asked to end by then.
     *
     * @param reason why, as users are told ("restoring a backup")
     */
    public Lock lock(UUID serverId, String reason) {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(reason, "reason");
        held.compute(serverId, (id, reasons) -> {
            List<String> next = reasons == null ? new CopyOnWriteArrayList<>() : reasons;
            next.add(reason);
            return next;
        });
        log.atInfo().addKeyValue("server", serverId).addKeyValue("reason", reason).log("server files locked for users");
        for (Consumer<UUID> l : listeners) {
            try {
                l.accept(serverId);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("server", serverId).addKeyValue("error", e.toString())
                        .log("a files-lock listener failed");
            }
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                held.computeIfPresent(serverId, (id, reasons) -> {
                    reasons.remove(reason);
                    return reasons.isEmpty() ? null : reasons;
                });
                log.atInfo().addKeyValue("server", serverId).addKeyValue("reason", reason).log("server files lock released");
            }
        };
    }

    /** Why the server's files are locked now (the oldest reason still held), or empty when users may reach them. */
    public Optional<String> lockedBecause(UUID serverId) {
        List<String> reasons = held.get(serverId);
        if (reasons == null) {
            return Optional.empty();
        }
        return reasons.stream().findFirst();
    }

    public boolean isLocked(UUID serverId) {
        return lockedBecause(serverId).isPresent();
    }

    /** Refuses a user's way in while the server's files are locked. */
    public void requireUnlocked(UUID serverId) throws FilesLockedException {
        Optional<String> reason = lockedBecause(serverId);
        if (reason.isPresent()) {
            throw new FilesLockedException(reason.get());
        }
    }

    /** Calls {@code listener} with the server's id each time a lock is taken (on the locking thread; keep it short). */
    public void onLocked(Consumer<UUID> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }
}
