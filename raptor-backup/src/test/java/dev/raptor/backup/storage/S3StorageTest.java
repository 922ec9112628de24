package dev.raptor.backup.storage;

import dev.raptor.backup.TestTree;
import dev.raptor.files.testing.TreeState;
import dev.raptor.backup.BackupListener;
import dev.raptor.backup.BackupRequest;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.BackupTarget;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.store.SqliteStore;
import dev.raptor.core.backup.BackupRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Backups in S3-compatible storage, against a real S3 server (S3Proxy, filesystem backend) over loopback HTTP. */
class S3StorageTest {
    private static final int PART = S3Settings.MIN_PART_SIZE;

    @TempDir
    static Path tmp;
    static S3Server server;
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        server = new S3Server(tmp.resolve("s3"));
        client = server.client();
        client.createBucket(b -> b.bucket("backups"));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    private static List<S3Object> objects() {
        return client.listObjectsV2(r -> r.bucket("backups")).contents();
    }

    private static int openUploads() {
        return client.listMultipartUploads(r -> r.bucket("backups")).uploads().size();
    }

    @Test
    void aBackupGoesToS3InSeveralPartsAndRestoresFromThere() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("node1"));
        UUID serverId = UUID.randomUUID();
        try (SqliteStore store = SqliteStore.open(dataDir);
             ServerVolumes volumes = new ServerVolumes(dataDir.resolve("volumes"), UsageSettings.defaults());
             S3Storage s3 = new S3Storage(server.settings("backups", PART))) {
            Path root = Files.createDirectories(volumes.root(serverId));
            byte[] noise = new byte[17 * 1024 * 1024]; // incompressible: the archive needs four 5 MiB parts
            new Random(9).nextBytes(noise);
            Files.createDirectories(root.resolve("world"));
            Files.write(root.resolve("world/region.mca"), noise);
            Files.writeString(root.resolve("server.properties"), "motd=s3\n");
            Files.createSymbolicLink(root.resolve("world/link"), Path.of("region.mca"));
            TestTree.stamp(root);
            Map<String, String> saved = TreeState.of(root, true);
            BackupService backups = new BackupService(store.backupRecords(), volumes, StorageSet.of(s3), BackupSettings.defaults(),
                    Clock.systemUTC());

            BackupRecord b = backups.create(BackupTarget.of(serverId), BackupRequest.DEFAULT, BackupListener.NONE);

            assertThat(b.location()).isEqualTo(new dev.raptor.core.backup.BackupLocation("s3", serverId + "/" + b.id() + ".tar.zst"));
            S3Object stored = objects().stream().filter(o -> o.key().equals("node-a/" + b.location().key())).findFirst().orElseThrow();
            assertThat(stored.size()).isEqualTo(b.sizeBytes()).isGreaterThan(3L * PART);
            assertThat(multipartCount(stored.eTag())).isGreaterThanOrEqualTo(3);
            assertThat(sha256(client.getObject(r -> r.bucket("backups").key(stored.key())))).isEqualTo(b.sha256());
            assertThat(openUploads()).isZero();

            Files.writeString(root.resolve("server.properties"), "motd=changed\n");
            Files.delete(root.resolve("world/link"));
            Files.writeString(root.resolve("extra"), "x");
            backups.restore(BackupTarget.of(serverId), b.id(), true, BackupListener.NONE);

            assertThat(TreeState.of(root, true)).isEqualTo(saved);
        }
    }

    /** A multipart object's ETag is {@code "<md5 of part md5s>-<parts>"}. */
    private static int multipartCount(String etag) {
        String e = etag.replace("\"", "");
        int dash = e.lastIndexOf('-');
        assertThat(dash).as("a multipart ETag, was " + etag).isPositive();
        return Integer.parseInt(e.substring(dash + 1));
    }

    @Test
    void anAbortedUploadLeavesNeitherPartsNorAnObject() throws IOException {
        try (S3Storage s3 = new S3Storage(server.settings("backups", PART))) {
            BackupStorage.Upload upload = s3.upload("aborted/one.tar.zst");
            OutputStream out = upload.stream();
            out.write(new byte[PART + 1000]); // one part on its way
            upload.abort();

            assertThat(openUploads()).isZero();
            assertThat(objects()).noneMatch(o -> o.key().contains("aborted/"));
        }
    }

    @Test
    void discardingAfterACrashAbortsTheUploadTheCrashLeftOpen() throws IOException {
        try (S3Storage s3 = new S3Storage(server.settings("backups", PART))) {
            BackupStorage.Upload upload = s3.upload("crashed/one.tar.zst");
            upload.stream().write(new byte[2 * PART + 10]); // two parts sent, then the process "dies"
            assertThat(openUploads()).isPositive();

            s3.discardPartial("crashed/one.tar.zst");

            assertThat(openUploads()).isZero();
            assertThat(objects()).noneMatch(o -> o.key().contains("crashed/"));
        }
    }

    @Test
    void anEmptyArchiveIsOnePart() throws IOException {
        try (S3Storage s3 = new S3Storage(server.settings("backups", PART))) {
            BackupStorage.Upload upload = s3.upload("empty/zero.bin");

            assertThat(upload.commit()).isZero();
            try (InputStream in = s3.read("empty/zero.bin")) {
                assertThat(in.readAllBytes()).isEmpty();
            }
            s3.delete("empty/zero.bin");
            assertThat(objects()).noneMatch(o -> o.key().contains("empty/"));
        }
    }

    private static String sha256(InputStream in) throws Exception {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
