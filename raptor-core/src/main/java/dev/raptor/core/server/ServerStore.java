package dev.raptor.core.server;

import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable state the lifecycle engine depends on. Every method returns only after its write is
 * durable (the SQLite implementation commits with {@code synchronous=FULL}), so an acknowledged
 * intent survives a crash at any later point; the one exception, an operation's pending record written alone, says so
 * through its {@link PendingOperation}. Implementations are thread-safe and never hold a lock
 * across anything but their own I/O.
 */
public interface ServerStore {

    /**
     * Adds a new server at version 1 with desired state {@link DesiredState#STOPPED}.
     *
     * @throws DuplicateServerException when the id is taken
     * @throws NameTakenException        when another server has the name ({@link ServerNames})
     */
    StoredServer create(ServerSpec spec);

    /**
     * {@link #create} and the new server's first activity entry ({@code type}, {@code message}, {@code details}) as
     * one durable write: a crash leaves both or neither, and the answer waits for one sync, not two. The default
     * writes them one after the other, for a store whose writes cost nothing to sync.
     *
     * @throws DuplicateServerException when the id is taken (nothing is written)
     * @throws NameTakenException        when another server has the name (nothing is written)
     */
    default Created create(ServerSpec spec, String type, String message, Map<String, String> details) {
        StoredServer server = create(spec);
        return new Created(server, appendActivity(spec.id(), type, message, details));
    }

    /** A server {@linkplain #create(ServerSpec, String, String, Map) created} and its first activity entry. */
    record Created(StoredServer server, ActivityEntry entry) {
    }

    Optional<StoredServer> find(UUID id);

    /** All servers, oldest first. */
    List<StoredServer> list();

    /**
     * Replaces the spec when the stored version is {@code expectedVersion}, bumping the version.
     *
     * @throws StaleVersionException   when the stored version differs
     * @throws ServerNotFoundException when there is no such server
     * @throws NameTakenException      when another server has the new name ({@link ServerNames})
     */
    StoredServer update(UUID id, long expectedVersion, ServerSpec spec);

    /**
     * Durably records the desired power state (the write-ahead intent). Leaves the spec version alone. A store may
     * skip the write when the server's durable desired state already is {@code desired}.
     *
     * @throws ServerNotFoundException when there is no such server
     */
    StoredServer setDesiredState(UUID id, DesiredState desired);

    /**
     * {@link #setDesiredState(UUID, DesiredState)}, and in the same synced commit the pending record of the operation
     * that asks for it (the operation id a client is handed, so that it exists on disk before the intent takes effect,
     * and a refused or failed intent leaves no row). When the desired state is unchanged, the record alone is written,
     * and may be committed without a sync of its own: the next synced commit (the action's own, typically) puts it on
     * disk, and {@link PendingOperation#onDisk} syncs it before anyone is told of it if none has. Either way the store
     * tells {@code begun} ({@link PendingOperation#committed}). Only a store that keeps the operations' journal itself
     * can do this.
     *
     * @param begun the operation; null: none (as {@link #setDesiredState(UUID, DesiredState)})
     * @throws ServerNotFoundException       when there is no such server (and nothing is written)
     * @throws UnsupportedOperationException when {@code begun} is given and this store keeps no operations
     */
    default StoredServer setDesiredState(UUID id, DesiredState desired, PendingOperation begun) {
        if (begun != null) {
            throw keepsNoOperations(begun.record().id());
        }
        return setDesiredState(id, desired);
    }

    private UnsupportedOperationException keepsNoOperations(String operation) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " keeps no operations (operation " + operation + ")");
    }

    /** Removes the server; its activity log stays. Returns whether it existed. */
    boolean delete(UUID id);

    /**
     * Removes the server and, in the same transaction, records that its files on a node are still to be removed
     * ({@link dev.raptor.core.node.PendingRemovals} removes them once the node answers). Returns whether it existed.
     */
    boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending);

    /**
     * {@link #delete(UUID, dev.raptor.core.node.PendingRemoval.Target)}, with the answer of the delete's operation (and
     * the prune that follows an answer) in the same synced commit: one sync for both, and the answer is on disk before
     * the submitter hears it. Only a store that keeps the operations' journal itself can do this.
     *
     * @param answered the operation's answer; null: none
     * @throws UnsupportedOperationException when {@code answered} is given and this store keeps no operations
     */
    default boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending, FinishedOperation answered) {
        if (answered != null) {
            throw keepsNoOperations(answered.answer().id());
        }
        return delete(id, pending);
    }

    /** The deleted servers' files still to be removed on their nodes, oldest first. */
    List<dev.raptor.core.node.PendingRemoval> pendingRemovals();

    /** Records a failed attempt of a pending removal: how many there were, when the next is due and why it failed. */
    void removalFailed(long removalId, int attempts, java.time.Instant nextAttempt, String error);

    /** Drops a pending removal: its files are gone (or belong to nobody it could harm). */
    void removalDone(long removalId);

    /** Appends to the server's activity log and returns the stored entry (with its id and time). */
    ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details);

    /**
     * {@link #appendActivity}, with the answer of the operation whose action ends in the state this entry records (and
     * the prune that follows an answer) in the same synced commit: one sync for both, and the answer is on disk before
     * the submitter hears it. Only a store that keeps the operations' journal itself can do this.
     *
     * @param answered the operation's answer; null: none (as {@link #appendActivity(UUID, String, String, Map)})
     * @throws UnsupportedOperationException when {@code answered} is given and this store keeps no operations
     */
    default ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details,
                                         FinishedOperation answered) {
        if (answered != null) {
            throw keepsNoOperations(answered.answer().id());
        }
        return appendActivity(server, type, message, details);
    }

    /**
     * {@link #appendActivity} for an entry a settled one follows within the same operation (a request, a state the
     * server passes through on its way to running or offline): the store may commit it without syncing it on its own.
     * It is on disk once the store's next synced commit is (the following entry's, at the latest), and a crash of the
     * daemon alone never loses it; a crash of the machine in between may. A store that syncs every commit needs
     * nothing more than this default.
     */
    default ActivityEntry appendPassingActivity(UUID server, String type, String message, Map<String, String> details) {
        return appendActivity(server, type, message, details);
    }

    /**
     * A page of the server's activity, newest first.
     *
     * @param beforeId only entries with a smaller id; {@code Long.MAX_VALUE} for the newest
     * @param limit    at most this many (1–1000)
     */
    List<ActivityEntry> activity(UUID server, long beforeId, int limit);
}
