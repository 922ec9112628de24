package dev.raptor.files;

import com.github.luben.zstd.ZstdOutputStream;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.rules.IgnoreRules;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchiveRoundTripTest {
    @TempDir
    Path tmp;
    Volume v;
    ServerFiles files;
    byte[] region;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        files = v.files();
        region = new byte[600_000];
        new Random(7).nextBytes(region);
        Files.createDirectories(v.root.resolve("world/region"));
        Files.write(v.root.resolve("world/region/r.0.0.mca"), region);
        Files.writeString(v.root.resolve("world/level.dat"), "level");
        Files.createDirectories(v.root.resolve("world/empty"));
        Path script = Files.writeString(v.root.resolve("world/start.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.from(Instant.parse("2021-06-01T12:00:00Z")));
        Files.createSymbolicLink(v.root.resolve("world/latest"), Path.of("level.dat"));
        Files.writeString(v.root.resolve("world/ünïcödé 名前.txt"), "u");
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    private void assertWorldAt(String dir) throws IOException {
        Path w = v.root.resolve(dir);
        assertThat(Files.readAllBytes(w.resolve("region/r.0.0.mca"))).isEqualTo(region);
        assertThat(Files.readString(w.resolve("level.dat"))).isEqualTo("level");
        assertThat(Files.isDirectory(w.resolve("empty"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.resolve("start.sh")))).isEqualTo("rwxr-x---");
        assertThat(Files.readSymbolicLink(w.resolve("latest"))).isEqualTo(Path.of("level.dat"));
        assertThat(Files.readString(w.resolve("ünïcödé 名前.txt"))).isEqualTo("u");
    }

    @ParameterizedTest
    @EnumSource(value = ArchiveFormat.class, names = {"ZIP", "TAR", "TAR_GZ", "TAR_ZST"})
    void writtenArchivesExtractToTheSameTree(ArchiveFormat format) throws IOException {
        ArchiveResult a = files.compress(List.of("/world"), "/backups/world." + format.extension(), format, Progress.none());
        assertThat(a.path()).isEqualTo("/backups/world." + format.extension());
        assertThat(a.files()).isEqualTo(4);
        assertThat(a.inputBytes()).isEqualTo(region.length + 5 + 10 + 1);
        assertThat(a.archiveBytes()).isEqualTo(Files.size(v.root.resolve("backups/world." + format.extension())));
        Progress p = Progress.none();
        ExtractResult x = files.decompress(a.path(), "/restored", p);
        assertThat(x.format()).isEqualTo(format);
        assertThat(x.files()).isEqualTo(4);
        assertThat(x.links()).isEqualTo(1);
        assertThat(p.snapshot().bytesDone()).isEqualTo(a.inputBytes());
        assertWorldAt("restored/world");
        if (format != ArchiveFormat.ZIP) {
            assertThat(Files.getLastModifiedTime(v.root.resolve("restored/world/start.sh")).toInstant())
                    .isEqualTo(Instant.parse("2021-06-01T12:00:00Z"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ArchiveFormat.class, names = {"TAR_BZ2", "TAR_XZ"})
    void tarsCompressedByOtherToolsExtract(ArchiveFormat format) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        files.compressTo(List.of("/world"), ArchiveFormat.TAR, CompressOptions.DEFAULTS, tar, Progress.none());
        Path archive = v.root.resolve("world." + format.extension());
        try (OutputStream out = format == ArchiveFormat.TAR_BZ2
                ? new BZip2CompressorOutputStream(Files.newOutputStream(archive))
                : new XZCompressorOutputStream(Files.newOutputStream(archive))) {
            out.write(tar.toByteArray());
        }
        ExtractResult x = files.decompress("world." + format.extension(), "restored", Progress.none());
        assertThat(x.format()).isEqualTo(format);
        assertWorldAt("restored/world");
    }

    @Test
    void aSingleGzipFileIsExtractedUnderItsName() throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(v.root.resolve("latest.log.gz")))) {
            out.write("log line\n".getBytes(StandardCharsets.UTF_8));
        }
        ExtractResult x = files.decompress("latest.log.gz", "/logs", Progress.none());
        assertThat(x.format()).isEqualTo(ArchiveFormat.GZ);
        assertThat(v.read("logs/latest.log")).isEqualTo("log line\n");
    }

    @Test
    void aSingleZstdFileIsExtractedUnderItsName() throws IOException {
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(v.root.resolve("map.dat.zst")))) {
            out.write(region);
        }
        ExtractResult x = files.decompress("map.dat.zst", "/", Progress.none());
        assertThat(x.format()).isEqualTo(ArchiveFormat.ZST);
        assertThat(Files.readAllBytes(v.root.resolve("map.dat"))).isEqualTo(region);
    }

    @Test
    void theFormatComesFromTheContentNotTheName() throws IOException {
        files.compress(List.of("/world"), "/misnamed.zip", ArchiveFormat.TAR_ZST, Progress.none());
        assertThat(files.decompress("misnamed.zip", "r", Progress.none()).format()).isEqualTo(ArchiveFormat.TAR_ZST);
        assertWorldAt("r/world");
    }

    @Test
    void notAnArchiveIsABadArchive() throws IOException {
        v.write("notes.txt", "just text, nothing else at all");
        assertThatThrownBy(() -> files.decompress("notes.txt", "/", Progress.none())).isInstanceOf(BadArchiveException.class);
    }

    @Test
    void aTruncatedArchiveFailsAndLeavesTheDestinationAsItWas() throws IOException {
        files.compress(List.of("/world"), "/w.tar.gz", ArchiveFormat.TAR_GZ, Progress.none());
        byte[] whole = Files.readAllBytes(v.root.resolve("w.tar.gz"));
        Files.write(v.root.resolve("cut.tar.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> files.decompress("cut.tar.gz", "/dest", Progress.none())).isInstanceOf(BadArchiveException.class);
        assertThat(Files.exists(v.root.resolve("dest"))).as("a destination made for it goes too").isFalse();
        v.write("existing/keep.txt", "keep");
        assertThatThrownBy(() -> files.decompress("cut.tar.gz", "/existing", Progress.none())).isInstanceOf(BadArchiveException.class);
        try (var s = Files.list(v.root.resolve("existing"))) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("keep.txt");
        }
    }

    @Test
    void extractionMergesIntoAnExistingTreeAndReplacesFiles() throws IOException {
        v.write("server/plugins/keep.jar", "keep");
        v.write("server/plugins/update.jar", "old");
        Files.write(v.root.resolve("update.zip"), TestArchives.of().file("plugins/update.jar", "new").file("plugins/added.jar", "add").zip());
        files.decompress("update.zip", "server", Progress.none());
        assertThat(v.read("server/plugins/keep.jar")).isEqualTo("keep");
        assertThat(v.read("server/plugins/update.jar")).isEqualTo("new");
        assertThat(v.read("server/plugins/added.jar")).isEqualTo("add");
    }

    @Test
    void aFileWhereTheDestinationHasADirectoryRefusesTheWholeExtraction() throws IOException {
        v.write("dest/config/inner.yml", "keep");
        Files.write(v.root.resolve("a.tar"), TestArchives.of().file("new.txt", "n").file("config", "a file now").tar());
        assertThatThrownBy(() -> files.decompress("a.tar", "dest", Progress.none())).isInstanceOf(ConflictException.class);
        assertThat(Files.exists(v.root.resolve("dest/new.txt"))).isFalse();
        assertThat(v.read("dest/config/inner.yml")).isEqualTo("keep");
    }

    @Test
    void hardLinkEntriesBecomeHardLinksInside() throws IOException {
        Files.write(v.root.resolve("h.tar"), TestArchives.of().file("a.txt", "shared").hardlink("b.txt", "a.txt").tar());
        files.decompress("h.tar", "out", Progress.none());
        assertThat(v.read("out/b.txt")).isEqualTo("shared");
        assertThat(Files.isSameFile(v.root.resolve("out/a.txt"), v.root.resolve("out/b.txt"))).isTrue();
    }

    @Test
    void compressingADirectoryLeavesOutTheArchiveBeingWritten() throws IOException {
        ArchiveResult a = files.compress(List.of("/world"), "/world/self.tar", ArchiveFormat.TAR, Progress.none());
        files.decompress("/world/self.tar", "/x", Progress.none());
        assertThat(Files.exists(v.root.resolve("x/world/self.tar"))).isFalse();
        assertThat(a.files()).isEqualTo(4);
    }

    @Test
    void theDefaultArchiveNameIsStampedNextToThePaths() throws IOException {
        ArchiveResult a = files.compress(List.of("/world/level.dat", "/world/start.sh"), null, ArchiveFormat.TAR_GZ, Progress.none());
        assertThat(a.path()).matches("/world/archive-\\d{4}-\\d{2}-\\d{2}_\\d{6}\\.tar\\.gz");
        files.decompress(a.path(), "/y", Progress.none());
        assertThat(v.read("y/level.dat")).isEqualTo("level");
    }

    @Test
    void compressToAStreamHonoursIgnorePatterns() throws IOException {
        Path backup = tmp.resolve("backup.tar.zst");
        try (OutputStream out = Files.newOutputStream(backup)) {
            files.compressTo(List.of("/world"), ArchiveFormat.TAR_ZST,
                    CompressOptions.DEFAULTS.withIgnore(IgnoreRules.parse("region/\n*.txt\n!ünïcödé*")), out, Progress.none());
        }
        files.extract(ArchiveSource.of(backup), "/restored", Progress.none());
        assertThat(Files.exists(v.root.resolve("restored/world/region"))).isFalse();
        assertThat(v.read("restored/world/ünïcödé 名前.txt")).isEqualTo("u");
        assertThat(v.read("restored/world/level.dat")).isEqualTo("level");
    }

    @Test
    void cancellingAnExtractionRemovesWhatItStaged() throws IOException {
        files.compress(List.of("/world"), "/w.tar", ArchiveFormat.TAR, Progress.none());
        Progress p = Progress.listening(s -> { });
        p.cancel();
        assertThatThrownBy(() -> files.decompress("w.tar", "/c", p)).isInstanceOf(CancelledException.class);
        // the destination was made for the extraction: it goes with the rest
        assertThat(Files.exists(v.root.resolve("c"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        try (var s = Files.list(v.root)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.startsWith(".raptor-"));
        }
    }
}
