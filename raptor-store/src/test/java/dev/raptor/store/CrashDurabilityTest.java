package dev.raptor.store;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.StoredServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every write the store acknowledged is still there after the writing process is SIGKILLed at an
 * arbitrary moment, and the database is sound. (A process kill keeps the OS page cache; surviving
 * power loss is {@code synchronous=FULL}'s job, checked in {@link SqliteStoreTest}.)
 */
class CrashDurabilityTest {
    /** At least this many acknowledgements before the kill. */
    private static final int ACKNOWLEDGEMENTS_BEFORE_KILL = 300;

    @TempDir
    Path dataDir;

    /** One acknowledged write. */
    private record Ack(String step, UUID server, String value) {
    }

    /**
     * Killed after {@code acks} acknowledgements: the writer's loop acknowledges 23 writes every 4 servers, so these land
     * the kill in different steps of it (an intent, an answer with its state, a delete with its answer...).
     */
    @ParameterizedTest(name = "killed after {0} acknowledgements")
    @ValueSource(ints = {ACKNOWLEDGEMENTS_BEFORE_KILL, ACKNOWLEDGEMENTS_BEFORE_KILL + 5, ACKNOWLEDGEMENTS_BEFORE_KILL + 11,
            ACKNOWLEDGEMENTS_BEFORE_KILL + 18})
    void everyAcknowledgedWriteSurvivesASigkill(int killAfter) throws Exception {
        Path stderr = dataDir.resolveSibling(dataDir.getFileName() + "-child-stderr.log");
        Process child = new ProcessBuilder(javaCommand(), "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", "logback-test.xml"),
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dataDir.toString())
                .redirectError(stderr.toFile())
                .start();
        List<Ack> acks = new ArrayList<>();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(90), () -> readAcknowledgements(child, acks, stderr, killAfter));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acks).hasSizeGreaterThanOrEqualTo(killAfter);

        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.checkIntegrity()).isEmpty();
            Map<UUID, List<Ack>> byServer = new LinkedHashMap<>();
            acks.forEach(a -> byServer.computeIfAbsent(a.server(), k -> new ArrayList<>()).add(a));
            byServer.forEach((id, steps) -> {
                if (steps.stream().anyMatch(a -> a.step().equals("deleted"))) {
                    // the removal and the delete's answer are one commit, acknowledged after it
                    assertThat(store.find(id)).as("deleted server %s", id).isEmpty();
                    assertThat(store.operationRecords().find(CrashWriter.deleteId(id))).as("delete of %s", id).get()
                            .satisfies(r -> assertThat(r.status()).isEqualTo(OperationStatus.DONE))
                            .satisfies(r -> assertThat(r.state()).isEqualTo("offline"));
                    return;
                }
                StoredServer stored = store.find(id).orElseThrow(() -> new AssertionError("acknowledged server " + id + " is gone"));
                for (Ack a : steps) {
                    switch (a.step()) {
                        case "created" -> {
                            assertThat(stored.version()).isGreaterThanOrEqualTo(1);
                            assertThat(entries(store, id)).extracting(ActivityEntry::id).contains(Long.parseLong(a.value()));
                        }
                        case "updated" -> {
                            assertThat(stored.version()).as("version of %s", id).isEqualTo(Long.parseLong(a.value()));
                            assertThat(stored.spec().name()).startsWith("renamed-");
                        }
                        case "running" -> {
                            assertThat(stored.desired()).as("desired state of %s", id).isEqualTo(DesiredState.RUNNING);
                            if (!a.value().equals("running")) {
                                assertThat(store.operationRecords().find(a.value())).as("operation %s", a.value()).isPresent();
                            }
                        }
                        case "operation" -> assertThat(store.operationRecords().find(a.value()))
                                .as("operation %s", a.value()).get().extracting(OperationRecord::status)
                                .isEqualTo(OperationStatus.PENDING);
                        case "answered" -> {
                            String[] opAndEntry = a.value().split("/");
                            assertThat(store.operationRecords().find(opAndEntry[0])).as("answer of %s", opAndEntry[0]).get()
                                    .satisfies(r -> assertThat(r.status()).isEqualTo(OperationStatus.DONE))
                                    .satisfies(r -> assertThat(r.state()).isEqualTo("running"));
                            assertThat(entries(store, id)).extracting(ActivityEntry::id).contains(Long.parseLong(opAndEntry[1]));
                        }
                        case "activity", "passing" -> assertThat(entries(store, id))
                                .extracting(ActivityEntry::id).contains(Long.parseLong(a.value()));
                        default -> throw new AssertionError("unknown step " + a);
                    }
                }
            });
            // A server and its "server created" entry are one commit: the kill left both or neither, even for the
            // server it cut short before an acknowledgement.
            for (StoredServer s : store.list()) {
                assertThat(entries(store, s.id())).as("activity of %s", s.id()).extracting(ActivityEntry::message)
                        .contains("server created");
            }
            // An operation's pending record and the desired state it asks for are one commit: both or neither. Its answer
            // and the entry of the state its action ends in are one commit too, and so are a removal and its answer.
            for (StoredServer s : store.list()) {
                if (s.id().getLeastSignificantBits() % 2 == 1) {
                    Optional<OperationRecord> start = store.operationRecords().find(CrashWriter.startId(s.id()));
                    assertThat(start.isPresent())
                            .as("start operation of %s is there exactly when its desired state is", s.id())
                            .isEqualTo(s.desired() == DesiredState.RUNNING);
                    assertThat(start.filter(OperationRecord::finished).isPresent())
                            .as("start of %s is answered exactly when the entry of the state it ends in is there", s.id())
                            .isEqualTo(entries(store, s.id()).stream().anyMatch(e -> e.message().equals(CrashWriter.SETTLED)));
                    assertThat(store.operationRecords().find(CrashWriter.deleteId(s.id())).filter(OperationRecord::finished))
                            .as("a server still there has no answered delete: %s", s.id()).isEmpty();
                }
            }
            for (UUID id : byServer.keySet()) {
                if (store.find(id).isEmpty()) {
                    assertThat(store.operationRecords().find(CrashWriter.deleteId(id))).as("a server gone was deleted: %s", id)
                            .get().extracting(OperationRecord::status).isEqualTo(OperationStatus.DONE);
                }
            }
            long kept = byServer.values().stream().filter(steps -> steps.stream().noneMatch(a -> a.step().equals("deleted"))).count();
            assertThat(store.list()).as("a server for every acknowledged one not deleted, give or take the one cut short")
                    .hasSizeBetween((int) kept - 1, (int) kept + 1);
        }
    }

    private static List<ActivityEntry> entries(SqliteStore store, UUID id) {
        return store.activity(id, Long.MAX_VALUE, 10);
    }

    /** Reads acknowledgements until enough arrived, kills the child, then drains what it printed before dying. */
    private static void readAcknowledgements(Process child, List<Ack> acks, Path stderr, int killAfter) throws IOException {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean killed = false;
            while ((line = out.readLine()) != null) {
                String[] f = line.split(" ");
                if (f.length == 5 && f[0].equals("ACK") && f[4].equals("END")) {
                    acks.add(new Ack(f[1], UUID.fromString(f[2]), f[3]));
                }
                if (!killed && acks.size() >= killAfter) {
                    // SIGKILL, in the middle of whatever write comes next. Through the handle: Process.destroyForcibly()
                    // would also close our end of the pipe, losing acknowledgements printed just before the kill.
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
            if (!killed) {
                throw new AssertionError("the writer died after " + acks.size() + " acknowledgements: "
                        + Files.readString(stderr));
            }
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }
}
