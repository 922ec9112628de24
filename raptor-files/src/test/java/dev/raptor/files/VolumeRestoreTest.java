package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.Session;
import dev.raptor.files.testing.TreeState;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeRestoreTest {
    private static final Instant OLD = Instant.parse("2020-01-02T03:04:05Z");

    @TempDir
    Path tmp;
    Volume v;
    Path archive;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        byte[] region = new byte[300_000];
        new Random(3).nextBytes(region);
        Files.createDirectories(v.root.resolve("world/region"));
        Files.write(v.root.resolve("world/region/r.0.0.mca"), region);
        Files.writeString(v.root.resolve("world/level.dat"), "level");
        Path readOnly = Files.writeString(v.root.resolve("world/readonly.txt"), "keep me as I am");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r-----"));
        Files.createDirectories(v.root.resolve("logs/empty"));
        Path script = Files.writeString(v.root.resolve("start.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(v.root.resolve("world/latest"), Path.of("level.dat"));
        Files.createSymbolicLink(v.root.resolve("dangling"), Path.of("nowhere/at/all"));
        Path closed = v.root.resolve("logs/closed");
        Files.createDirectories(closed);
        Files.writeString(closed.resolve("inside.log"), "x");
        stampEverything(v.root);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("r-x------"));
        archive = tmp.resolve("backup.tar.zst");
        try (OutputStream out = Files.newOutputStream(archive)) {
            v.files().compressTo(List.of("/"), ArchiveFormat.TAR_ZST, CompressOptions.DEFAULTS, out, Progress.none());
        }
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    private static void stampEverything(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(all::add);
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount()); // children before their directory
        for (Path p : all) {
            if (Files.isSymbolicLink(p)) {
                Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(OLD), null, null);
            } else {
                Files.setLastModifiedTime(p, FileTime.from(OLD.plusSeconds(p.getNameCount())));
            }
        }
    }

    @Test
    void restoreWithTruncateMakesTheRootExactlyTheArchive() throws IOException {
        Map<String, String> saved = TreeState.of(v.root, true);
        Files.writeString(v.root.resolve("world/level.dat"), "changed");
        Files.writeString(v.root.resolve("extra.txt"), "not in the backup");
        Files.delete(v.root.resolve("world/latest"));
        Files.delete(v.root.resolve("start.sh"));
        Files.createDirectories(v.root.resolve("start.sh")); // a directory where the archive has a file

        List<RestorePhase> phases = new ArrayList<>();
        RestoreResult r = v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), true, Progress.none(), phases::add);

        assertThat(TreeState.of(v.root, true)).isEqualTo(saved);
        assertThat(r.truncated()).isTrue();
        assertThat(phases).containsExactly(RestorePhase.STAGING, RestorePhase.STAGED, RestorePhase.SWAPPING,
                RestorePhase.SWAPPED, RestorePhase.DONE);
        assertThat(leftovers()).isEmpty();
        assertThat(v.outsideUntouched()).isTrue();
    }

    @Test
    void restoreWithoutTruncateKeepsWhatTheArchiveDoesNotHoldAndReplacesWhatItDoes() throws IOException {
        Map<String, String> saved = TreeState.of(v.root, false);
        Files.writeString(v.root.resolve("world/level.dat"), "changed");
        Files.writeString(v.root.resolve("extra.txt"), "not in the backup");
        Files.createDirectories(v.root.resolve("plugins/new"));
        Files.writeString(v.root.resolve("plugins/new/p.jar"), "jar");
        Files.delete(v.root.resolve("start.sh"));
        Files.createDirectories(v.root.resolve("start.sh/inside"));

        RestoreResult r = v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), false, Progress.none(), p -> { });

        Map<String, String> now = TreeState.of(v.root, false);
        assertThat(v.read("extra.txt")).isEqualTo("not in the backup");
        assertThat(v.read("plugins/new/p.jar")).isEqualTo("jar");
        assertThat(v.read("world/level.dat")).isEqualTo("level");
        for (Map.Entry<String, String> e : saved.entrySet()) {
            assertThat(now).as(e.getKey()).containsEntry(e.getKey(), e.getValue());
        }
        assertThat(r.keptFiles()).isPositive();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aRestoreRefusedHalfwayLeavesThePreviousFilesUntouched() throws IOException {
        Files.writeString(v.root.resolve("world/level.dat"), "current");
        Map<String, String> before = TreeState.of(v.root, true);
        Path evil = tmp.resolve("evil.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(evil))) {
            byte[] ok = "fine".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry a = new TarArchiveEntry("world/level.dat");
            a.setSize(ok.length);
            tar.putArchiveEntry(a);
            tar.write(ok);
            tar.closeArchiveEntry();
            TarArchiveEntry b = new TarArchiveEntry("../../outside/secret.txt");
            b.setSize(ok.length);
            tar.putArchiveEntry(b);
            tar.write(ok);
            tar.closeArchiveEntry();
        }

        assertThatThrownBy(() -> v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(evil), true, Progress.none(), p -> { }))
                .isInstanceOf(PathOutsideRootException.class);

        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
        assertThat(v.outsideUntouched()).isTrue();
    }

    @Test
    void aRestoreOverTheQuotaIsRefusedAndChangesNothing() throws IOException {
        Map<String, String> before = TreeState.of(v.root, true);

        assertThatThrownBy(() -> v.volumes.restore(v.id, new FilePolicy(dev.raptor.files.rules.AccessRules.NONE, 100_000),
                ArchiveSource.of(archive), true, Progress.none(), p -> { }))
                .isInstanceOf(QuotaExceededException.class);

        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aCancelledRestoreChangesNothing() throws IOException {
        Map<String, String> before = TreeState.of(v.root, true);
        Progress progress = Progress.none();

        assertThatThrownBy(() -> v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), true, progress,
                phase -> progress.cancel()))
                .isInstanceOf(CancelledException.class);

        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recoveryWithoutASwapKeepsThePreviousFiles() throws IOException {
        Map<String, String> before = TreeState.of(v.root, true);
        Path staging = v.volumes.root(v.id).resolveSibling(VolumeRestore.PREFIX + v.id);
        Files.createDirectories(staging.resolve("half/written"));
        Files.writeString(staging.resolve("half/written/file"), "partial");
        writeJournalNaming(staging);

        List<RecoveredRestore> recovered = v.volumes.recoverRestores();

        assertThat(recovered).containsExactly(new RecoveredRestore(v.id, false));
        assertThat(TreeState.of(v.root, true)).isEqualTo(before);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recoveryAfterTheSwapKeepsTheNewFiles() throws IOException {
        Path staging = v.volumes.root(v.id).resolveSibling(VolumeRestore.PREFIX + v.id);
        Files.createDirectories(staging.resolve("restored"));
        Files.writeString(staging.resolve("restored/file"), "new");
        writeJournalNaming(staging);
        Path volumesRoot = staging.getParent();
        try (Session s = new Jail(volumesRoot).open()) {
            s.exchange(s.root(), v.id.toString().getBytes(StandardCharsets.UTF_8), s.root(),
                    staging.getFileName().toString().getBytes(StandardCharsets.UTF_8), "/");
        }

        List<RecoveredRestore> recovered = v.volumes.recoverRestores();

        assertThat(recovered).containsExactly(new RecoveredRestore(v.id, true));
        assertThat(v.read("restored/file")).isEqualTo("new");
        assertThat(Files.exists(v.root.resolve("world"))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anEmptyRootRestoresToAnEmptyRoot() throws IOException {
        Volume empty = new Volume(tmp.resolve("empty"));
        Path out = tmp.resolve("empty.tar.zst");
        try (OutputStream o = Files.newOutputStream(out)) {
            empty.files().compressTo(List.of("/"), ArchiveFormat.TAR_ZST, CompressOptions.DEFAULTS, o, Progress.none());
        }
        Files.writeString(empty.root.resolve("later.txt"), "x");

        empty.volumes.restore(empty.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(out), true, Progress.none(), p -> { });

        try (var list = Files.list(empty.root)) {
            assertThat(list).isEmpty();
        }
        empty.close();
    }

    @Test
    void theReplacedTreeGoesToTheTrashAtOnceAndIsRemovedInTheBackground() throws IOException {
        Files.writeString(v.root.resolve("world/level.dat"), "replaced");
        Path oldLevel = v.root.resolve("world/level.dat");
        long oldInode = (long) Files.getAttribute(oldLevel, "unix:ino");
        List<String> atDone = new ArrayList<>();

        v.volumes.restore(v.id, FilePolicy.UNRESTRICTED, ArchiveSource.of(archive), true, Progress.none(), phase -> {
            if (phase == RestorePhase.DONE) {
                try (var list = Files.list(tmp.resolve("volumes"))) {
                    list.map(p -> p.getFileName().toString()).forEach(atDone::add);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });

        // at DONE the old tree is no longer under the staging name: it is in the trash (or already gone)
        assertThat(atDone).noneMatch(n -> n.startsWith(VolumeRestore.PREFIX)).contains(v.id.toString());
        assertThat(v.read("world/level.dat")).isEqualTo("level");
        assertThat((long) Files.getAttribute(oldLevel, "unix:ino")).isNotEqualTo(oldInode);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void whatAnEarlierRunLeftInTheTrashIsRemovedAtBoot() throws IOException {
        Path volumes = tmp.resolve("volumes");
        Path left = Files.createDirectories(volumes.resolve(VolumeTrash.PREFIX + "0123456789abcdef/world/region"));
        Files.writeString(left.resolve("r.0.0.mca"), "the files a restore replaced before the crash");
        Files.createSymbolicLink(left.resolve("out"), tmp.resolve("outside"));
        Map<String, String> root = TreeState.of(v.root, true);

        assertThat(v.volumes.recoverRestores()).isEmpty();

        assertThat(leftovers()).isEmpty();
        assertThat(TreeState.of(v.root, true)).isEqualTo(root);
        assertThat(v.outsideUntouched()).isTrue();
    }

    @Test
    void recoveryWithNothingLeftFindsNothing() throws IOException {
        assertThat(v.volumes.recoverRestores()).isEmpty();
    }

    @Test
    void theWholeRootCompressesUnderDotSlashLikeTarDoes() throws IOException {
        Path out = tmp.resolve("root.tar");
        try (OutputStream o = Files.newOutputStream(out)) {
            v.files().compressTo(List.of("/"), ArchiveFormat.TAR, CompressOptions.DEFAULTS, o, Progress.none());
        }
        List<String> names = new ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(out))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        assertThat(names.getFirst()).isEqualTo("./");
        assertThat(names).contains("world/", "world/level.dat", "start.sh", "logs/empty/", "dangling")
                .noneMatch(n -> n.isEmpty() || n.startsWith("/") || n.startsWith("../"));
        assertThat(names.stream().filter(n -> n.equals("./"))).hasSize(1);
    }

    private void writeJournalNaming(Path staging) throws IOException {
        try (Session s = new Jail(staging).open()) {
            Files.writeString(staging.resolveSibling(staging.getFileName() + VolumeRestore.JOURNAL),
                    s.rootStat().device() + " " + s.rootStat().inode() + "\n");
        }
    }

    /** What restores left beside the roots, once the trash has removed the replaced trees. */
    private List<String> leftovers() throws IOException {
        try {
            assertThat(v.volumes.awaitTrashEmptied(java.time.Duration.ofMinutes(2))).as("the trash emptied").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        try (var list = Files.list(v.volumes.root(v.id).getParent())) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".raptor")).toList();
        }
    }
}
