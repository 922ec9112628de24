package dev.raptor.store.operation;

import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationProblem;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operations table, against a real SQLite file that is closed and reopened as a daemon restart would. */
class OperationRecordsTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123Z");
    private static final UUID SERVER = UUID.fromString("6d0f3c1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f");

    @TempDir
    Path dataDir;

    private SqliteStore store;
    private OperationRecords records;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir);
        records = store.operationRecords();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        open();
    }

    private static OperationRecord pending(String id, String action, Instant at) {
        return OperationRecord.pending(id, SERVER, action, at);
    }

    private static OperationRecord done(OperationRecord op, Instant at) {
        return new OperationRecord(op.id(), op.serverId(), op.action(), OperationStatus.DONE, op.createdAt(), at, "running", null, null);
    }

    @Test
    void anAnsweredOperationSurvivesReopeningTheStore() {
        OperationRecord op = pending("op-1", "start", T0);
        records.begin(op);
        OperationRecord answered = done(op, T0.plusSeconds(3));
        records.finish(answered);

        reopen();

        assertThat(records.find("op-1")).contains(answered);
    }

    @Test
    void aFileOperationKeepsItsKindPathProgressAndProblemAcrossAReopen() {
        OperationRecord op = OperationRecord.pending("op-f", SERVER, OperationKind.FILES, "compress", T0, "/backup.tar.zst",
                new OperationProgress("archiving", 0, 4096, 0, 2, 0), null);
        records.begin(op);
        reopen();
        assertThat(records.find("op-f")).contains(op);

        OperationRecord refused = new OperationRecord(op.id(), SERVER, OperationKind.FILES, "compress", OperationStatus.FAILED,
                T0, T0.plusSeconds(1), null, null, "the server's disk quota would be exceeded", "/backup.tar.zst",
                new OperationProgress("archiving", 1024, 4096, 1, 2, 2048), new OperationProblem(507, "quota-exceeded"), null);
        records.finish(refused);
        reopen();
        assertThat(records.find("op-f")).contains(refused);
        assertThat(records.find("op-f").orElseThrow().kind()).isEqualTo(OperationKind.FILES);
    }

    @Test
    void aBackupKeepsItsProgressAndTheBackupItMadeAcrossAReopen() {
        UUID backup = UUID.fromString("6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
        OperationRecord op = OperationRecord.pending("op-b", SERVER, OperationKind.BACKUP, "backup", T0, null, null, backup);
        records.begin(op);
        OperationRecord done = new OperationRecord(op.id(), SERVER, OperationKind.BACKUP, "backup", OperationStatus.DONE,
                T0, T0.plusSeconds(4), null, null, null, null, new OperationProgress("archiving", 8192, 8192, 3, 3, 4096), null,
                backup);
        records.finish(done);
        reopen();
        assertThat(records.find("op-b")).contains(done);
    }

    @Test
    void aBegunOperationIsOnDiskWhenBeginReturns() {
        records.begin(pending("op-1", "stop", T0));

        reopen();

        assertThat(records.find("op-1")).contains(pending("op-1", "stop", T0));
    }

    @Test
    void supersedingLeftoversAnswersOnlyThePendingOnesWithAReasonPerAction() {
        records.begin(pending("start-1", "start", T0));
        records.begin(pending("delete-1", "delete", T0));
        OperationRecord finished = done(pending("start-0", "start", T0.minusSeconds(60)), T0.minusSeconds(50));
        records.finish(finished);
        reopen();

        Instant boot = T0.plusSeconds(600);
        int count = records.supersedePending(boot, "daemon restart", (kind, action) -> "restarted during " + action);

        assertThat(count).isEqualTo(2);
        OperationRecord start = records.find("start-1").orElseThrow();
        assertThat(start.status()).isEqualTo(OperationStatus.SUPERSEDED);
        assertThat(start.finishedAt()).isEqualTo(boot);
        assertThat(start.supersededBy()).isEqualTo("daemon restart");
        assertThat(start.reason()).isEqualTo("restarted during start");
        assertThat(start.createdAt()).isEqualTo(T0);
        assertThat(records.find("delete-1").orElseThrow().reason()).isEqualTo("restarted during delete");
        assertThat(records.find("start-0")).contains(finished);
        assertThat(records.supersedePending(boot, "daemon restart", (k, a) -> "again")).isZero();
    }

    @Test
    void anAnswerIsFinal() {
        OperationRecord op = pending("op-1", "start", T0);
        records.begin(op);
        OperationRecord first = done(op, T0.plusSeconds(1));
        records.finish(first);

        records.finish(new OperationRecord("op-1", SERVER, "start", OperationStatus.FAILED, T0, T0.plusSeconds(2), null, null, "late"));
        records.begin(op);

        assertThat(records.find("op-1")).contains(first);
    }

    @Test
    void anOutcomeWhoseBeginNeverLandedIsRecordedWhole() {
        OperationRecord failed = new OperationRecord("op-1", SERVER, "kill", OperationStatus.FAILED, T0, T0.plusSeconds(1),
                null, null, "the engine did not answer");

        records.finish(failed);

        assertThat(records.find("op-1")).contains(failed);
    }

    @Test
    void pruningDropsAnswersPastRetentionAndBeyondCapacityButNeverPendingOnes() {
        for (int i = 0; i < 5; i++) {
            OperationRecord op = pending("done-" + i, "start", T0.plusSeconds(i));
            records.begin(op);
            records.finish(done(op, T0.plusSeconds(60L * i)));  // finished at 0, 1, 2, 3, 4 minutes
        }
        records.begin(pending("pending-old", "start", T0.minus(Duration.ofDays(1))));

        int byAge = records.prune(T0.plusSeconds(90), 100);       // finished before minute 1.5: done-0, done-1

        assertThat(byAge).isEqualTo(2);
        assertThat(records.find("done-0")).isEmpty();
        assertThat(records.find("done-1")).isEmpty();

        int byCount = records.prune(T0, 2);                       // keep the 2 most recently answered: done-3, done-4

        assertThat(byCount).isEqualTo(1);
        assertThat(records.find("done-2")).isEmpty();
        assertThat(records.find("done-3")).isPresent();
        assertThat(records.find("done-4")).isPresent();
        assertThat(records.find("pending-old")).isPresent();
        assertThat(records.count()).isEqualTo(3);

        records.prune(T0.plus(Duration.ofDays(30)), 0);
        assertThat(records.find("pending-old")).as("a pending operation is never pruned").isPresent();
        assertThat(records.count()).isEqualTo(1);
    }

    @Test
    void anUnknownOperationIsEmpty() {
        assertThat(records.find("no-such-operation")).isEmpty();
    }

    @Test
    void beginTakesOnlyPendingAndFinishOnlyAnswered() {
        OperationRecord op = pending("op-1", "start", T0);

        assertThatThrownBy(() -> records.finish(op)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.begin(done(op, T0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OperationRecord("x", SERVER, "start", OperationStatus.DONE, T0, null, "running", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a finish time");
    }
}
