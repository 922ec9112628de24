package dev.raptor.backup;

import dev.raptor.backup.schedule.ScheduledBackups;
import dev.raptor.backup.storage.LocalDirectoryStorage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.core.backup.BackupPolicy;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.store.SqliteStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Backups as the servers' specs say, on a fleet over the in-memory runtime, a real SQLite store and real files: the
 * schedule runs them, retention keeps the newest, the spec's ignore patterns and console commands apply, a schedule
 * that is none is refused naming its field, and a schedule counts from the server's newest backup.
 */
class ScheduledBackupsTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    private SqliteStore store;
    private ServerVolumes volumes;
    private LocalDirectoryStorage local;
    private BackupService service;
    private final FakeRuntime runtime = new FakeRuntime();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;
    private final ExecutorService runner = Executors.newFixedThreadPool(2);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void openNode() {
        store = SqliteStore.open(dataDir);
        volumes = new ServerVolumes(dataDir.resolve("volumes"), UsageSettings.defaults());
        local = new LocalDirectoryStorage(dataDir.resolve("backups"));
        service = new BackupService(store.backupRecords(), volumes, StorageSet.of(local), BackupSettings.defaults(), Clock.systemUTC());
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dataDir.resolve("volumes")));
        fleet.boot();
    }

    @AfterEach
    void closeNode() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        runner.shutdownNow();
        assertThat(runner.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        fleet.close();
        bus.close();
        runtime.close();
        volumes.close();
        store.close();
    }

    private ScheduledBackups scheduled(Clock clock) {
        ScheduledBackups s = new ScheduledBackups(fleet, new ServerBackups(fleet, service), clock, ZoneOffset.UTC, runner);
        closing.add(s);
        return s;
    }

    private UUID create(BackupPolicy backups) throws IOException {
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("game-" + UUID.randomUUID().toString().substring(0, 6))
                .readyPattern("Done!").stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30))).backups(backups).build()).id();
        Path root = volumes.root(id);
        Files.createDirectories(root.resolve("world"));
        Files.writeString(root.resolve("world/level.dat"), "level");
        Files.createDirectories(root.resolve("logs"));
        Files.writeString(root.resolve("logs/latest.log"), "noise");
        return id;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private List<String> entries(BackupRecord b) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(local.file(b.location().key()));
             TarArchiveInputStream tar = new TarArchiveInputStream(new com.github.luben.zstd.ZstdInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void aScheduledServerIsBackedUpOnItsOwnAndKeepsOnlyItsMaxNewestBackups() throws Exception {
        List<BackupRecord> completed = new CopyOnWriteArrayList<>();
        closing.add(bus.subscribe(ServerEvent.BackupChanged.class, e -> "completed".equals(e.phase()), EventBus.DEFAULT_CAPACITY,
                e -> completed.add(e.backup())));
        UUID id = create(new BackupPolicy("@every 1s", 2, null, List.of(), List.of(), List.of()));
        UUID unscheduled = create(BackupPolicy.NONE);
        UUID withoutFiles = create(new BackupPolicy("@every 1s", null, null, List.of(), List.of(), List.of()));
        deleteTree(volumes.root(withoutFiles)); // never started nor installed
        ScheduledBackups scheduled = scheduled(Clock.systemUTC()).start();

        await().atMost(HANG).until(() -> completed.size() >= 3);
        scheduled.close(); // no new backup starts; the one that may run finishes
        runner.shutdown();
        assertThat(runner.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();

        List<BackupRecord> kept = service.list(id);
        assertThat(kept).allMatch(b -> b.status() == BackupStatus.COMPLETED).hasSize(2);
        List<BackupRecord> newestTwo = completed.stream().sorted((a, b) -> b.createdAt().compareTo(a.createdAt())).limit(2).toList();
        assertThat(kept.stream().map(BackupRecord::id)).containsExactlyInAnyOrderElementsOf(newestTwo.stream().map(BackupRecord::id).toList());
        for (BackupRecord pruned : completed.stream().filter(b -> kept.stream().noneMatch(k -> k.id().equals(b.id()))).toList()) {
            assertThat(local.file(pruned.location().key())).doesNotExist();
        }
        assertThat(service.list(unscheduled)).isEmpty();
        assertThat(service.list(withoutFiles)).as("no failed backup each turn for a server without files").isEmpty();
        assertThat(store.activity(id, Long.MAX_VALUE, 100)).anyMatch(e -> e.type().equals("backup.completed"));
    }

    @Test
    void theSpecsIgnorePatternsAndConsoleCommandsApplyToABackupOfTheRunningServer() throws Exception {
        UUID id = create(new BackupPolicy(null, null, null, List.of("logs/"), List.of("save-off", "save-all flush"), List.of("save-on")));
        assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        AtomicReference<List<String>> sentBeforeArchiving = new AtomicReference<>();

        BackupRecord b = new ServerBackups(fleet, service).create(id, BackupRequest.DEFAULT, new BackupListener() {
            @Override
            public void started(BackupRecord backup) {
                sentBeforeArchiving.set(runtime.engine().inputs(id));
            }
        });

        assertThat(entries(b)).anyMatch(n -> n.endsWith("world/level.dat")).noneMatch(n -> n.contains("logs"));
        assertThat(sentBeforeArchiving.get()).containsExactly("save-off", "save-all flush");
        assertThat(runtime.engine().inputs(id)).containsExactly("save-off", "save-all flush", "save-on");
    }

    @Test
    void aStoppedServerGetsNoConsoleCommandsAndIsBackedUpAllTheSame() throws Exception {
        UUID id = create(new BackupPolicy(null, null, null, List.of(), List.of("save-off"), List.of("save-on")));

        BackupRecord b = new ServerBackups(fleet, service).create(id, BackupRequest.DEFAULT, BackupListener.NONE);

        assertThat(b.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(runtime.engine().inputs(id)).isEmpty();
    }

    @Test
    void theSpecsRetentionOverridesTheNodesOneMemberByMember() throws Exception {
        BackupService nodeKeepsThree = new BackupService(store.backupRecords(), volumes, StorageSet.of(local),
                BackupSettings.defaults().withRetention(new dev.raptor.backup.retention.RetentionPolicy(3, 30)), Clock.systemUTC());
        UUID id = create(new BackupPolicy(null, 1, null, List.of(), List.of(), List.of()));

        BackupTarget target = new ServerBackups(fleet, nodeKeepsThree).target(id);

        assertThat(target.retention()).isEqualTo(new dev.raptor.backup.retention.RetentionPolicy(1, 30));
    }

    @Test
    void aScheduleThatIsNoScheduleIsRefusedNamingItsFieldAndNothingIsStored() throws Exception {
        scheduled(Clock.systemUTC());
        for (String bad : List.of("61 * * * *", "@every 0s", "@fortnightly", "every day")) {
            assertThatThrownBy(() -> create(new BackupPolicy(bad, null, null, List.of(), List.of(), List.of())))
                    .as(bad).isInstanceOfSatisfying(InvalidSpecException.class,
                            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("backups.schedule"));
        }
        assertThat(fleet.list()).isEmpty();

        UUID id = create(BackupPolicy.NONE);
        var stored = fleet.find(id).orElseThrow().stored();
        ServerSpec bad = stored.spec().toBuilder().backups(BackupPolicy.NONE.withSchedule("0 25 * * *")).build();
        assertThatThrownBy(() -> fleet.update(id, stored.version(), bad)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("backups.schedule");
        assertThat(fleet.find(id).orElseThrow().stored().spec().backups()).isEqualTo(BackupPolicy.NONE);
    }

    @Test
    void aScheduleCountsFromTheServersNewestBackupSoARestartNeitherRepeatsNorSkipsOne() throws Exception {
        UUID id = create(new BackupPolicy("@every 1h", null, null, List.of(), List.of(), List.of()));
        BackupRecord newest = service.create(BackupTarget.of(id), BackupRequest.DEFAULT, BackupListener.NONE);

        // a daemon started half an hour after the backup: the next one is an hour after it, not an hour after the start
        Instant halfAnHourLater = newest.createdAt().plus(Duration.ofMinutes(30));
        ScheduledBackups soon = scheduled(Clock.fixed(halfAnHourLater, ZoneOffset.UTC)).start();
        assertThat(soon.next(id)).contains(newest.createdAt().plus(Duration.ofHours(1)));
        soon.close();

        // a daemon that was down when it came due: once, now
        Instant twoHoursLater = newest.createdAt().plus(Duration.ofHours(2));
        ScheduledBackups late = scheduled(Clock.fixed(twoHoursLater, ZoneOffset.UTC));
        assertThat(late.next(id)).isEmpty();
        late.start();
        assertThat(late.next(id)).isPresent().get().isIn(twoHoursLater, twoHoursLater.plus(Duration.ofHours(1)));
    }

    @Test
    void aChangedSpecMovesTheScheduleAndADeletedServerHasNone() throws Exception {
        ScheduledBackups scheduled = scheduled(Clock.systemUTC()).start();
        UUID id = create(BackupPolicy.NONE);
        assertThat(scheduled.next(id)).isEmpty();

        var stored = fleet.find(id).orElseThrow().stored();
        fleet.update(id, stored.version(), stored.spec().toBuilder().backups(BackupPolicy.NONE.withSchedule("@daily")).build());
        await().atMost(HANG).until(() -> scheduled.next(id).isPresent());

        fleet.delete(id, true).get(HANG.toSeconds(), TimeUnit.SECONDS);
        await().atMost(HANG).until(() -> scheduled.next(id).isEmpty());
    }
}
