package dev.raptor.backup.storage;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how {@link S3Storage} keeps archives.
 *
 * @param endpoint      the S3-compatible service's URL ({@code https://s3.example.net}); null for AWS itself
 * @param region        the region to sign for ({@code us-east-1} where the service does not care)
 * @param bucket        the bucket (it must exist)
 * @param prefix        prepended to every key ({@code raptor/node-1/}), may be empty
 * @param accessKey     the access key id
 * @param secretKey     the secret (never logged: {@link #toString()} hides it)
 * @param pathStyle     {@code https://host/bucket/key} addressing, which most S3-compatible services want
 * @param partSizeBytes the multipart part size: memory use is two parts, and an archive may have 10,000 parts, so
 *                      64 MiB parts carry 640 GB; at least 5 MiB (S3's own minimum)
 * @param maxAttempts   attempts per request (a part, the commit) before the upload fails, at least 1
 */
public record S3Settings(URI endpoint, String region, String bucket, String prefix, String accessKey, String secretKey,
                         boolean pathStyle, int partSizeBytes, int maxAttempts) {
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 64 * 1024 * 1024;

    public S3Settings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        prefix = prefix == null ? "" : prefix;
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 bucket must be named");
        }
        if (partSizeBytes < MIN_PART_SIZE) {
            throw new IllegalArgumentException("the S3 part size must be at least 5 MiB (was " + partSizeBytes + " bytes)");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("S3 requests need at least one attempt (was " + maxAttempts + ")");
        }
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                + ", accessKey=" + accessKey + ", secretKey=***, pathStyle=" + pathStyle + ", partSizeBytes=" + partSizeBytes
                + ", maxAttempts=" + maxAttempts + "]";
    }
}
