package dev.raptor.backup;

import dev.raptor.files.testing.TreeState;
import dev.raptor.files.RecoveredRestore;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a daemon in the middle of a backup and of a restore (a child JVM running the real service on the real
 * data directory), then the next boot's recovery: no partial archive, the backup answered failed, the server's
 * files either all as before or all the backup's.
 */
class CrashTest {
    @TempDir
    Path tmp;

    private record Setup(Path dataDir, UUID server, Map<String, String> backedUp, Map<String, String> current, BackupRecord backup) {
    }

    /** A server with a backup of one tree, whose files have changed since. */
    private Setup setup() throws IOException {
        Path dataDir = tmp.resolve("data");
        UUID server = UUID.randomUUID();
        try (Node node = new Node(dataDir, server, BackupSettings.defaults(), null)) {
            TestTree.big(node.root(), 24L * 1024 * 1024);
            Map<String, String> backedUp = TreeState.of(node.root(), true);
            BackupRecord b = node.backups.create(node.target(), BackupRequest.DEFAULT, BackupListener.NONE);
            Files.writeString(node.root().resolve("world/level.dat"), "changed after the backup");
            Files.delete(node.root().resolve("region-link"));
            TestTree.stamp(node.root());
            return new Setup(dataDir, server, backedUp, TreeState.of(node.root(), true), b);
        }
    }

    @Test
    void aBackupKilledMidwayIsAnsweredFailedAtBootAndLeavesNoPartialArchive() throws Exception {
        Setup s = setup();
        killAt("archiving", "backup", s.dataDir().toString(), s.server().toString());

        try (Node node = new Node(s.dataDir(), s.server(), BackupSettings.defaults(), null)) {
            List<BackupRecord> running = node.store.backupRecords().running();
            assertThat(running).hasSize(1);
            Path part = node.local.file(running.getFirst().location().key() + ".part");
            assertThat(part).exists(); // what the crash left

            BootRecovery r = node.backups.recover();

            assertThat(r.failedBackups()).hasSize(1);
            BackupRecord failed = node.backups.find(s.server(), running.getFirst().id());
            assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
            assertThat(failed.reason()).contains("interrupted").contains("partial archive was removed");
            assertThat(part).doesNotExist();
            assertThat(node.local.file(running.getFirst().location().key())).doesNotExist();
            assertThat(node.backups.find(s.server(), s.backup().id()).status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(TreeState.of(node.root(), true)).isEqualTo(s.current());
        }
    }

    @Test
    void aRestoreKilledWhileExtractingLeavesThePreviousFiles() throws Exception {
        assertRestoreKilledAt("extracting", false);
    }

    @Test
    void aRestoreKilledAfterItsJournalButBeforeTheSwapLeavesThePreviousFiles() throws Exception {
        assertRestoreKilledAt("SWAPPING", false);
    }

    @Test
    void aRestoreKilledAfterTheSwapLeavesTheBackupsFiles() throws Exception {
        assertRestoreKilledAt("SWAPPED", true);
    }

    @Test
    void aRestoreKilledOnceTheOldFilesAreInTheTrashLeavesTheBackupsFilesAndTheNextBootEmptiesTheTrash() throws Exception {
        Setup s = setup();
        killAt("DONE", "restore", s.dataDir().toString(), s.server().toString(), s.backup().id().toString(), "DONE");

        try (Node node = new Node(s.dataDir(), s.server(), BackupSettings.defaults(), null)) {
            BootRecovery r = node.backups.recover();

            assertThat(r.restores()).isEmpty(); // the swap was complete and its journal gone: nothing to decide
            assertThat(TreeState.of(node.root(), true)).isEqualTo(s.backedUp());
            assertThat(node.volumes.awaitTrashEmptied(java.time.Duration.ofMinutes(2))).isTrue();
            try (var entries = Files.list(node.root().getParent())) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(s.server().toString());
            }
        }
    }

    private void assertRestoreKilledAt(String where, boolean expectNew) throws Exception {
        Setup s = setup();
        killAt(where, "restore", s.dataDir().toString(), s.server().toString(), s.backup().id().toString(), where);

        try (Node node = new Node(s.dataDir(), s.server(), BackupSettings.defaults(), null)) {
            BootRecovery r = node.backups.recover();

            assertThat(r.restores()).containsExactly(new RecoveredRestore(s.server(), expectNew));
            assertThat(TreeState.of(node.root(), true)).isEqualTo(expectNew ? s.backedUp() : s.current());
            assertThat(node.volumes.awaitTrashEmptied(java.time.Duration.ofMinutes(2))).isTrue();
            try (var entries = Files.list(node.root().getParent())) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(s.server().toString());
            }
            assertThat(node.backups.recover().restores()).isEmpty();
        }
    }

    /** Starts the child, waits for it to say it reached {@code moment}, and kills it with SIGKILL. */
    private void killAt(String moment, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                CrashChild.class.getName()));
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).redirectError(tmp.resolve("child-" + moment + ".err").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            List<String> seen = new ArrayList<>();
            while ((line = out.readLine()) != null) {
                seen.add(line);
                if (line.equals("AT " + moment)) {
                    break;
                }
            }
            assertThat(line).as("the child reached %s (it said %s; stderr in %s)", moment, seen, tmp).isEqualTo("AT " + moment);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
    }
}
