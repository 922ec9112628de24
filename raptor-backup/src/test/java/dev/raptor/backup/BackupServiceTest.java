package dev.raptor.backup;

import dev.raptor.files.testing.TreeState;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.backup.retention.RetentionPolicy;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BackupServiceTest {
    @TempDir
    Path dataDir;
    Node node;

    @BeforeEach
    void setUp() throws IOException {
        node = Node.open(dataDir);
        TestTree.small(node.root());
    }

    @AfterEach
    void tearDown() {
        node.close();
    }

    private BackupRecord backup() throws IOException {
        return node.backups.create(node.target(), BackupRequest.DEFAULT, BackupListener.NONE);
    }

    private Path archiveOf(BackupRecord b) {
        return node.local.file(b.location().key());
    }

    private List<String> entries(BackupRecord b) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(archiveOf(b));
             TarArchiveInputStream tar = new TarArchiveInputStream(new com.github.luben.zstd.ZstdInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void aBackupIsATarZstdWhoseSha256AndSizeAreRecorded() throws IOException {
        BackupRecord b = backup();

        assertThat(b.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(b.format()).isEqualTo("tar.zst");
        assertThat(b.location().adapter()).isEqualTo("local");
        assertThat(archiveOf(b)).startsWith(dataDir.resolve("backups").resolve(node.serverId.toString()));
        assertThat(b.sizeBytes()).isEqualTo(Files.size(archiveOf(b)));
        assertThat(b.sha256()).isEqualTo(TreeState.digest(archiveOf(b)));
        assertThat(node.backups.list(node.serverId)).containsExactly(b);
        assertThat(entries(b)).contains("world/level.dat", "world/empty/", "world/latest", "start.sh");
    }

    @Test
    void restoreWithTruncateBringsBackExactlyTheTreeThatWasSaved() throws IOException {
        Map<String, String> saved = TreeState.of(node.root(), true);
        BackupRecord b = backup();
        Files.writeString(node.root().resolve("world/level.dat"), "mutated");
        Files.writeString(node.root().resolve("new-file.txt"), "not in the backup");
        Files.delete(node.root().resolve("world/latest"));
        Files.setPosixFilePermissions(node.root().resolve("start.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

        RestoreOutcome r = node.backups.restore(node.target(), b.id(), true, BackupListener.NONE);

        assertThat(TreeState.of(node.root(), true)).isEqualTo(saved);
        assertThat(r.result().truncated()).isTrue();
    }

    @Test
    void aRestoreLocksTheServersFilesForUsersWhileItRunsAndOpensThemAfter() throws IOException {
        BackupRecord b = backup();
        List<java.util.UUID> lockedOut = new CopyOnWriteArrayList<>();
        node.volumes.locks().onLocked(lockedOut::add);
        List<Boolean> lockedDuringSwap = new CopyOnWriteArrayList<>();

        node.backups.restore(node.target(), b.id(), true, new BackupListener() {
            @Override
            public void restorePhase(BackupRecord backup, dev.raptor.files.RestorePhase phase) {
                if (phase == dev.raptor.files.RestorePhase.SWAPPING) {
                    lockedDuringSwap.add(node.volumes.locks().isLocked(node.serverId));
                }
            }
        });

        assertThat(lockedOut).containsExactly(node.serverId); // SFTP/FTP sessions of the server were told to end
        assertThat(lockedDuringSwap).containsExactly(true);
        assertThat(node.volumes.locks().isLocked(node.serverId)).isFalse();
    }

    @Test
    void restoreWithoutTruncateKeepsFilesTheBackupDoesNotHold() throws IOException {
        Map<String, String> saved = TreeState.of(node.root(), false);
        BackupRecord b = backup();
        Files.writeString(node.root().resolve("world/level.dat"), "mutated");
        Files.writeString(node.root().resolve("new-file.txt"), "not in the backup");

        node.backups.restore(node.target(), b.id(), false, BackupListener.NONE);

        Map<String, String> now = TreeState.of(node.root(), false);
        assertThat(now).containsAllEntriesOf(saved);
        assertThat(Files.readString(node.root().resolve("new-file.txt"))).isEqualTo("not in the backup");
    }

    @Test
    void ignorePatternsFromTheRequestAndTheIgnoreFileAreLeftOutNegationIncluded() throws IOException {
        Files.writeString(node.root().resolve(".raptorignore"), "logs/\n*.mca\n!world/region/r.0.0.mca\ncache/\n");
        Files.writeString(node.root().resolve("world/region/r.1.1.mca"), "other region");

        BackupRecord b = node.backups.create(node.target(), new BackupRequest("custom", List.of("!cache/", "server.properties")),
                BackupListener.NONE);

        List<String> names = entries(b);
        assertThat(names).contains("world/region/r.0.0.mca", ".raptorignore", "start.sh", "cache/deep/er/blob.bin")
                .doesNotContain("world/region/r.1.1.mca", "logs/latest.log", "logs/", "server.properties");
        assertThat(b.name()).isEqualTo("custom");
    }

    @Test
    void anIgnoreFileThatIsASymbolicLinkIsRefusedBeforeAnythingIsRecorded() throws IOException {
        Files.writeString(node.root().resolve("patterns.txt"), "*\n");
        Files.createSymbolicLink(node.root().resolve(".raptorignore"), Path.of("patterns.txt"));

        assertThatThrownBy(this::backup).isInstanceOf(BackupException.BadIgnoreFile.class)
                .hasMessageContaining("symbolic link");
        assertThat(node.backups.list(node.serverId)).isEmpty();
    }

    @Test
    void anIgnoreFileOverTheSizeLimitIsRefused() throws IOException {
        Files.writeString(node.root().resolve(".raptorignore"), "x\n".repeat(40_000));

        assertThatThrownBy(this::backup).isInstanceOf(BackupException.BadIgnoreFile.class)
                .hasMessageContaining("65536");
    }

    @Test
    void aTamperedArchiveIsRefusedBeforeTheServersFilesAreTouched() throws IOException {
        BackupRecord b = backup();
        Files.writeString(node.root().resolve("world/level.dat"), "current");
        Map<String, String> before = TreeState.of(node.root(), true);
        long rootInode = (long) Files.getAttribute(node.root(), "unix:ino");
        TestTree.flipOneByte(archiveOf(b));
        List<String> stages = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> node.backups.restore(node.target(), b.id(), true, new BackupListener() {
            @Override
            public void progressed(BackupRecord backup, OperationProgress progress) {
                stages.add(progress.stage());
            }

            @Override
            public void restorePhase(BackupRecord backup, dev.raptor.files.RestorePhase phase) {
                stages.add(phase.name());
            }
        })).isInstanceOf(BackupException.Corrupt.class).hasMessageContaining("SHA-256");

        assertThat(TreeState.of(node.root(), true)).isEqualTo(before);
        assertThat((long) Files.getAttribute(node.root(), "unix:ino")).isEqualTo(rootInode);
        assertThat(stages).doesNotContain("swapping", "SWAPPING", "SWAPPED");
        assertThat(leftBesideTheRoot()).isEmpty();
    }

    @Test
    void anArchiveChangedWhereItStillExtractsIsRefusedAtItsChecksumBeforeTheSwap() throws IOException {
        // A plain tar: a byte flipped inside a file's content still extracts; only the checksum can tell.
        Path tar = dataDir.resolve("plain.tar");
        byte[] body = "a".repeat(4000).getBytes(StandardCharsets.UTF_8);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarArchiveEntry e = new TarArchiveEntry("world/level.dat");
            e.setSize(body.length);
            out.putArchiveEntry(e);
            out.write(body);
            out.closeArchiveEntry();
        }
        BackupRecord b;
        try (InputStream in = Files.newInputStream(tar)) {
            b = node.backups.importArchive(node.target(), "plain.tar", in);
        }
        byte[] stored = Files.readAllBytes(archiveOf(b));
        stored[512 + 1000] ^= 0x01; // past the entry's 512-byte header: inside its content
        Files.write(archiveOf(b), stored);
        Map<String, String> before = TreeState.of(node.root(), true);
        long rootInode = (long) Files.getAttribute(node.root(), "unix:ino");
        List<String> phases = new CopyOnWriteArrayList<>();
        AtomicReference<OperationProgress> extracted = new AtomicReference<>();

        assertThatThrownBy(() -> node.backups.restore(node.target(), b.id(), true, new BackupListener() {
            @Override
            public void progressed(BackupRecord backup, OperationProgress progress) {
                extracted.set(progress);
            }

            @Override
            public void restorePhase(BackupRecord backup, dev.raptor.files.RestorePhase phase) {
                phases.add(phase.name());
            }
        })).isInstanceOf(BackupException.Corrupt.class).hasMessageContaining("SHA-256");

        assertThat(phases).containsExactly("STAGING"); // staged whole, refused before anything else
        assertThat(extracted.get().stage()).isEqualTo("extracting");
        assertThat(extracted.get().bytesDone()).isEqualTo(body.length);
        assertThat(TreeState.of(node.root(), true)).isEqualTo(before);
        assertThat((long) Files.getAttribute(node.root(), "unix:ino")).isEqualTo(rootInode);
        assertThat(leftBesideTheRoot()).isEmpty();
    }

    @Test
    void theChecksumIsTakenOnAThreadOfItsOwnThatEndsWithTheChannel() throws IOException {
        byte[] region = new byte[12 * 1024 * 1024];
        new java.util.Random(7).nextBytes(region); // incompressible: the archive spans many of the hasher's chunks
        Files.write(node.root().resolve("world/r.0.0.mca"), region);
        BackupRecord b = backup();
        ChecksummedArchive archive = new ChecksummedArchive(ArchiveSource.of(archiveOf(b)), b);
        boolean hashedElsewhere = false;

        try (SeekableByteChannel ch = archive.open()) {
            ByteBuffer buf = ByteBuffer.allocate(300 * 1024); // reads across the chunks' edges
            while (ch.read(buf) >= 0) {
                buf.clear();
                hashedElsewhere |= checksumThreads() > 0;
            }
        }

        assertThat(hashedElsewhere).isTrue();
        archive.checkIntact(); // read whole and in order: size and SHA-256 are the record's
        await().atMost(Duration.ofSeconds(30)).until(() -> checksumThreads() == 0);
    }

    @Test
    void aByteChangedDeepInALargeArchiveFailsTheChecksum() throws IOException {
        byte[] region = new byte[12 * 1024 * 1024];
        new java.util.Random(8).nextBytes(region);
        Files.write(node.root().resolve("world/r.0.0.mca"), region);
        BackupRecord b = backup();
        byte[] stored = Files.readAllBytes(archiveOf(b));
        stored[stored.length / 2] ^= 0x01;
        Path changed = dataDir.resolve("changed.tar.zst");
        Files.write(changed, stored);
        ChecksummedArchive archive = new ChecksummedArchive(ArchiveSource.of(changed), b);

        try (SeekableByteChannel ch = archive.open()) {
            ByteBuffer buf = ByteBuffer.allocate(300 * 1024);
            while (ch.read(buf) >= 0) {
                buf.clear();
            }
        }

        assertThatThrownBy(archive::checkIntact).isInstanceOf(BackupException.Corrupt.class).hasMessageContaining("SHA-256");
    }

    private static long checksumThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("archive-checksum")).count();
    }

    /** What restores left in the volumes' directory beside the server's root, once the trash is empty. */
    private List<String> leftBesideTheRoot() throws IOException {
        try {
            assertThat(node.volumes.awaitTrashEmptied(Duration.ofMinutes(2))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        try (var entries = Files.list(node.root().getParent())) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(node.serverId.toString())).toList();
        }
    }

    @Test
    void progressReachesItsTotals() throws IOException {
        AtomicReference<OperationProgress> last = new AtomicReference<>();
        List<String> events = new CopyOnWriteArrayList<>();
        node.backups.create(node.target(), BackupRequest.DEFAULT, new BackupListener() {
            @Override
            public void started(BackupRecord backup) {
                events.add("started");
            }

            @Override
            public void progressed(BackupRecord backup, OperationProgress progress) {
                last.set(progress);
            }

            @Override
            public void completed(BackupRecord backup) {
                events.add("completed");
            }
        });

        OperationProgress p = last.get();
        assertThat(events).containsExactly("started", "completed");
        assertThat(p.stage()).isEqualTo("archiving");
        assertThat(p.bytesTotal()).isPositive().isEqualTo(p.bytesDone());
        assertThat(p.filesTotal()).isPositive();
        assertThat(p.filesDone()).isPositive().isLessThanOrEqualTo(p.filesTotal());
        assertThat(p.bytesPerSecond()).isPositive();
    }

    @Test
    void retentionPrunesTheOldestUnlockedBackupsAfterASuccessfulOne() throws IOException {
        BackupTarget keepTwo = new BackupTarget(node.serverId, FilePolicy.UNRESTRICTED, new RetentionPolicy(2, 0));
        BackupRecord first = node.backups.create(keepTwo, BackupRequest.DEFAULT, BackupListener.NONE);
        BackupRecord second = node.backups.create(keepTwo, BackupRequest.DEFAULT, BackupListener.NONE);
        node.backups.setLocked(node.serverId, first.id(), true);
        BackupRecord third = node.backups.create(keepTwo, BackupRequest.DEFAULT, BackupListener.NONE);

        assertThat(node.backups.list(node.serverId)).extracting(BackupRecord::id).containsExactly(first.id(), third.id());
        assertThat(archiveOf(second)).doesNotExist();
        assertThat(archiveOf(first)).exists();
    }

    @Test
    void aLockedBackupCannotBeDeletedAndAnUnlockedOneGoesWithItsArchive() throws IOException {
        BackupRecord b = backup();
        node.backups.setLocked(node.serverId, b.id(), true);

        assertThatThrownBy(() -> node.backups.delete(node.serverId, b.id())).isInstanceOf(BackupException.Locked.class);
        node.backups.setLocked(node.serverId, b.id(), false);
        node.backups.delete(node.serverId, b.id());

        assertThat(node.backups.list(node.serverId)).isEmpty();
        assertThat(archiveOf(b)).doesNotExist();
        assertThatThrownBy(() -> node.backups.delete(node.serverId, b.id())).isInstanceOf(BackupException.NotFound.class);
    }

    @Test
    void anotherServersBackupIsNotFoundThroughThisServer() throws IOException {
        BackupRecord b = backup();

        assertThatThrownBy(() -> node.backups.find(java.util.UUID.randomUUID(), b.id())).isInstanceOf(BackupException.NotFound.class);
    }

    @Test
    void aSecondBackupWhileOneRunsIsRefusedAndAnInterruptedOneIsRecordedFailedWithoutAPartialArchive() throws Exception {
        Files.write(node.root().resolve("big.bin"), new java.util.Random(1).ints(3_000_000).collect(
                java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, c) -> a.writeBytes(c.toByteArray())).toByteArray());
        try (Node slow = new Node(dataDir.resolve("slow"), node.serverId,
                BackupSettings.defaults().withWriteBytesPerSecond(64 * 1024), null)) {
            TestTree.small(slow.root());
            Files.copy(node.root().resolve("big.bin"), slow.root().resolve("big.bin"));
            AtomicReference<BackupRecord> started = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    slow.backups.create(slow.target(), BackupRequest.DEFAULT, new BackupListener() {
                        @Override
                        public void started(BackupRecord backup) {
                            started.set(backup);
                        }
                    });
                } catch (IOException expected) {
                    // interrupted below
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> started.get() != null);

            assertThatThrownBy(() -> slow.backups.create(slow.target(), BackupRequest.DEFAULT, BackupListener.NONE))
                    .isInstanceOf(BackupException.Busy.class);
            t.interrupt();
            t.join(Duration.ofSeconds(60));

            BackupRecord failed = slow.backups.find(slow.serverId, started.get().id());
            assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
            assertThat(failed.reason()).isNotBlank();
            try (var files = Files.walk(slow.local.base())) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void aTarGzMadeElsewhereCanBeImportedAndRestored() throws IOException {
        Path tgz = dataDir.resolve("imported.tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(tgz)))) {
            for (String name : List.of("config/a.yml", "world/level.dat")) {
                byte[] body = ("content of " + name).getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(name);
                e.setSize(body.length);
                e.setMode(0100640);
                tar.putArchiveEntry(e);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
        BackupRecord imported;
        try (InputStream in = Files.newInputStream(tgz)) {
            imported = node.backups.importArchive(node.target(), "from-wings.tar.gz", in);
        }

        node.backups.restore(node.target(), imported.id(), true, BackupListener.NONE);

        assertThat(imported.format()).isEqualTo(ArchiveFormat.TAR_GZ.extension());
        assertThat(Files.readString(node.root().resolve("world/level.dat"))).isEqualTo("content of world/level.dat");
        assertThat(Files.exists(node.root().resolve("start.sh"))).isFalse();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(node.root().resolve("config/a.yml"))))
                .isEqualTo("rw-r-----");
    }

    @Test
    void aDownloadStreamsTheArchiveAsStored() throws IOException {
        BackupRecord b = backup();

        try (BackupDownload d = node.backups.download(node.serverId, b.id())) {
            assertThat(d.content().readAllBytes()).isEqualTo(Files.readAllBytes(archiveOf(b)));
            assertThat(d.fileName()).endsWith(".tar.zst");
        }
    }

    @Test
    void bootRecoveryAnswersARunningBackupFailedAndRemovesItsPartialArchive() throws IOException {
        BackupRecord running = BackupRecord.running(java.util.UUID.randomUUID(), node.serverId, "x", java.time.Instant.now(), "tar.zst",
                new dev.raptor.core.backup.BackupLocation("local", node.serverId + "/half.tar.zst"));
        node.store.backupRecords().begin(running);
        Path part = node.local.file(running.location().key() + ".part");
        Files.createDirectories(part.getParent());
        Files.writeString(part, "half an archive");

        BootRecovery r = node.backups.recover();

        assertThat(r.failedBackups()).extracting(BackupRecord::id).containsExactly(running.id());
        assertThat(node.backups.find(node.serverId, running.id()).status()).isEqualTo(BackupStatus.FAILED);
        assertThat(part).doesNotExist();
    }

    @Test
    void anEmptyServerBacksUpAndRestoresToEmpty() throws IOException {
        try (Node empty = Node.open(dataDir.resolve("empty"))) {
            BackupRecord b = empty.backups.create(empty.target(), BackupRequest.DEFAULT, BackupListener.NONE);
            Files.writeString(empty.root().resolve("later.txt"), "x");

            empty.backups.restore(empty.target(), b.id(), true, BackupListener.NONE);

            try (var list = Files.list(empty.root())) {
                assertThat(list).isEmpty();
            }
        }
    }
}
