package dev.raptor.backup.storage;

import dev.raptor.files.archive.ArchiveSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Archives in an S3-compatible bucket, written as a multipart upload while the archive is being made: one part is
 * filled while the previous one uploads, so memory is two parts whatever the archive's size, and nothing is spooled
 * to local disk. Each request is retried by the SDK's standard strategy ({@link S3Settings#maxAttempts()}); a part
 * is re-sent from its buffer. An upload that fails or is abandoned is aborted, so no parts linger (and
 * {@link #discardPartial} aborts what a crash left). Reads stream the object; the seekable source asks for byte
 * ranges, reopening where a connection broke.
 */
public final class S3Storage implements BackupStorage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
    public static final String ADAPTER = "s3";
    private static final int READ_ATTEMPTS = 3;

    private final S3Settings settings;
    private final S3Client client;

    public S3Storage(S3Settings settings) {
        this.settings = settings;
        RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(settings.maxAttempts()).build();
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(settings.pathStyle())
                // S3-compatible services differ in which checksum headers they know: send and check only required ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(retries)
                        .apiCallAttemptTimeout(Duration.ofMinutes(5)));
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        this.client = b.build();
    }

    @Override
    public String adapter() {
        return ADAPTER;
    }

    public S3Settings settings() {
        return settings;
    }

    private String objectKey(String key) {
        return settings.prefix() + key;
    }

    @Override
    public Upload upload(String key) throws IOException {
        String object = objectKey(key);
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(r -> r.bucket(settings.bucket()).key(object)).uploadId();
        } catch (RuntimeException e) {
            throw failure("start the upload of", object, e);
        }
        return new MultipartOutput(object, uploadId);
    }

    @Override
    public InputStream read(String key) throws IOException {
        String object = objectKey(key);
        try {
            return client.getObject(r -> r.bucket(settings.bucket()).key(object));
        } catch (RuntimeException e) {
            throw failure("read", object, e);
        }
    }

    @Override
    public ArchiveSource source(String key, String fileName) throws IOException {
        String object = objectKey(key);
        long size;
        try {
            size = client.headObject(r -> r.bucket(settings.bucket()).key(object)).contentLength();
        } catch (RuntimeException e) {
            throw failure("look up", object, e);
        }
        return new ArchiveSource() {
            @Override
            public String name() {
                return fileName;
            }

            @Override
            public SeekableByteChannel open() {
                return new RangeChannel(object, size);
            }
        };
    }

    @Override
    public void delete(String key) throws IOException {
        String object = objectKey(key);
        try {
            client.deleteObject(r -> r.bucket(settings.bucket()).key(object));
        } catch (NoSuchKeyException gone) {
            // already deleted
        } catch (RuntimeException e) {
            throw failure("delete", object, e);
        }
    }

    @Override
    public void discardPartial(String key) throws IOException {
        String object = objectKey(key);
        try {
            ListMultipartUploadsResponse uploads = client.listMultipartUploads(r -> r.bucket(settings.bucket()).prefix(object));
            for (MultipartUpload u : uploads.uploads()) {
                if (u.key().equals(object)) {
                    client.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(object).uploadId(u.uploadId()));
                }
            }
        } catch (RuntimeException e) {
            throw failure("abort the uploads of", object, e);
        }
        delete(key);
    }

    @Override
    public void close() {
        client.close();
    }

    private static IOException failure(String what, String object, RuntimeException e) {
        String detail = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                ? s3.awsErrorDetails().errorCode() + " (" + s3.statusCode() + ")" : e.getMessage();
        return new IOException("S3 could not " + what + " " + object + ": " + detail, e);
    }

    /** The archive's bytes, cut into parts; the previous part uploads while the next one fills. */
    private final class MultipartOutput extends OutputStream implements Upload {
        private final String object;
        private final String uploadId;
        private final ExecutorService uploader = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("s3-upload-part").factory());
        private final List<CompletedPart> parts = new ArrayList<>();
        private byte[] filling;
        private byte[] spare;
        private int filled;
        private Future<CompletedPart> inFlight;
        private boolean committed;
        private boolean aborted;

        MultipartOutput(String object, String uploadId) {
            this.object = object;
            this.uploadId = uploadId;
            this.filling = new byte[settings.partSizeBytes()];
        }

        @Override
        public OutputStream stream() {
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (committed || aborted) {
                throw new IOException("the upload of " + object + " is over");
            }
            while (len > 0) {
                int n = Math.min(len, filling.length - filled);
                System.arraycopy(b, off, filling, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == filling.length) {
                    sendFilled();
                }
            }
        }

        /** Hands the full buffer to the uploader (waiting for the part before it), and fills the other one. */
        private void sendFilled() throws IOException {
            awaitInFlight();
            byte[] body = filling;
            int length = filled;
            int number = parts.size() + 1;
            inFlight = uploader.submit(() -> {
                String etag = client.uploadPart(r -> r.bucket(settings.bucket()).key(object).uploadId(uploadId)
                                .partNumber(number).contentLength((long) length),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(body, 0, length), length,
                                "application/octet-stream")).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            });
            filling = spare != null ? spare : new byte[settings.partSizeBytes()];
            spare = body; // reused once the uploader is done with it (awaitInFlight before the next hand-over)
            filled = 0;
        }

        private void awaitInFlight() throws IOException {
            if (inFlight == null) {
                return;
            }
            try {
                parts.add(inFlight.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading " + object);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? failure("upload a part of", object, r)
                        : new IOException("S3 could not upload a part of " + object + ": " + cause, cause);
            } finally {
                inFlight = null;
            }
        }

        @Override
        public long commit() throws IOException {
            if (filled > 0 || parts.isEmpty() && inFlight == null) {
                sendFilled(); // the last part may be short (even empty, for an empty archive)
            }
            awaitInFlight();
            uploader.shutdown();
            long size = 0;
            try {
                client.completeMultipartUpload(r -> r.bucket(settings.bucket()).key(object).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
                size = client.headObject(r -> r.bucket(settings.bucket()).key(object)).contentLength();
            } catch (RuntimeException e) {
                throw failure("complete the upload of", object, e);
            }
            committed = true;
            filling = null;
            spare = null;
            log.atInfo().addKeyValue("bucket", settings.bucket()).addKeyValue("key", object)
                    .addKeyValue("parts", parts.size()).addKeyValue("bytes", size).log("uploaded a backup to S3");
            return size;
        }

        @Override
        public void abort() {
            if (committed || aborted) {
                return;
            }
            aborted = true;
            if (inFlight != null) {
                inFlight.cancel(true);
            }
            uploader.shutdownNow();
            filling = null;
            spare = null;
            try {
                client.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(object).uploadId(uploadId));
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("key", object).log("could not abort an S3 upload (the next boot retries): " + e);
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    /** A read-only channel on an object that asks for the bytes from its position on, reopening after a seek. */
    private final class RangeChannel implements SeekableByteChannel {
        private final String object;
        private final long size;
        private long position;
        private InputStream current;
        private long currentAt = -1;
        private boolean open = true;

        RangeChannel(String object, long size) {
            this.object = object;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            if (position >= size) {
                return -1;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    if (current == null || currentAt != position) {
                        reopen();
                    }
                    byte[] buf = new byte[Math.min(dst.remaining(), 256 * 1024)];
                    int n = current.read(buf);
                    if (n < 0) {
                        return -1;
                    }
                    dst.put(buf, 0, n);
                    position += n;
                    currentAt = position;
                    return n;
                } catch (IOException | RuntimeException e) {
                    closeCurrent();
                    if (attempt >= READ_ATTEMPTS) {
                        throw e instanceof IOException io ? io : failure("read", object, (RuntimeException) e);
                    }
                    log.atDebug().addKeyValue("key", object).addKeyValue("at", position).log("reopening an S3 read: " + e);
                }
            }
        }

        private void reopen() {
            closeCurrent();
            long from = position;
            ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(settings.bucket()).key(object)
                    .range("bytes=" + from + "-"));
            current = in;
            currentAt = from;
        }

        private void closeCurrent() {
            if (current != null) {
                try {
                    if (current instanceof ResponseInputStream<?> r) {
                        r.abort(); // do not drain the rest of a large object to reuse the connection
                    }
                    current.close();
                } catch (IOException | RuntimeException ignored) {
                    // a broken stream
                }
                current = null;
            }
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            this.position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long s) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            closeCurrent();
        }
    }
}
