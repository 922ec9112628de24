package dev.raptor.store;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The child process of {@link CrashDurabilityTest}: writes to a store in an endless loop and prints
 * one acknowledgement line per write, only after the store method returned. Killed with SIGKILL.
 *
 * <p>Line format: {@code ACK <step> <server id> <value> END}; a line without {@code END} was cut by the kill.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            for (long i = 0; ; i++) {
                UUID id = new UUID(0x5EEDL, i);
                ServerSpec spec = Specs.minecraft("server-" + i).toBuilder().id(id).build();
                // the row and its first entry, one commit
                long created = store.create(spec, "create", "server created", Map.of("version", "1")).entry().id();
                ack("created", id, Long.toString(created));
                StoredServer updated = store.update(id, 1, spec.withName("renamed-" + i));
                ack("updated", id, Long.toString(updated.version()));
                if (i % 2 == 0) {
                    store.setDesiredState(id, DesiredState.RUNNING);
                    ack("running", id, "running");
                } else {
                    // as a power request writes it: the operation's pending record in the intent's commit, first with an
                    // intent that changes nothing (the record alone, committed without a sync: acknowledged, as the API
                    // answers it, once it is on disk), then with one that does
                    PendingOperation noOp = operation(noOpId(id), id, "stop");
                    store.setDesiredState(id, DesiredState.STOPPED, noOp);
                    noOp.onDisk();
                    ack("operation", id, noOpId(id));
                    PendingOperation start = operation(startId(id), id, "start");
                    store.setDesiredState(id, DesiredState.RUNNING, start);
                    ack("running", id, startId(id));
                    // the start's answer in the commit of the state it ends in, as the controller writes it
                    long settled = store.appendActivity(id, "state", SETTLED, Map.of(), start.done("running")).id();
                    ack("answered", id, startId(id) + "/" + settled);
                }
                if (i % 4 == 1) {
                    // a delete of a server whose desired state it does not change: the pending record committed without a
                    // sync, the removal with the answer in one synced commit (acknowledged as the API answers it: after it)
                    PendingOperation delete = operation(deleteId(id), id, "delete");
                    store.setDesiredState(id, DesiredState.RUNNING, delete);
                    store.delete(id, null, delete.done("offline"));
                    ack("deleted", id, deleteId(id));
                    continue;
                }
                long entry = store.appendActivity(id, "test", "entry " + i, Map.of("i", Long.toString(i))).id();
                ack("activity", id, Long.toString(entry));
                // committed without a sync of its own: a process kill keeps it all the same
                long passing = store.appendPassingActivity(id, "test", "passing " + i, Map.of()).id();
                ack("passing", id, Long.toString(passing));
            }
        }
    }

    /** The operation of the intent that changes nothing, on a server written with operations. */
    static String noOpId(UUID server) {
        return "stop-" + server;
    }

    /** The operation of the delete, on a server written with operations and deleted. */
    static String deleteId(UUID server) {
        return "delete-" + server;
    }

    /** The activity entry of the state a start ends in, written with its answer. */
    static final String SETTLED = "starting -> running: process running";

    private static PendingOperation operation(String id, UUID server, String action) {
        return new PendingOperation(OperationRecord.pending(id, server, action, Instant.now()), Clock.systemUTC(),
                Duration.ofDays(1), 1_000_000);
    }

    /** The operation of the start, on a server written with operations. */
    static String startId(UUID server) {
        return "start-" + server;
    }

    private static void ack(String step, UUID id, String value) {
        System.out.println("ACK " + step + " " + id + " " + value + " END");
        System.out.flush();
    }
}
