package dev.raptor.store.sftp;

/**
 * How much work and memory one new Argon2id password hash costs. Stored hashes carry their own parameters, so
 * changing these later leaves them verifiable (and they are rehashed at the next login).
 *
 * @param memoryKiB   memory per hash in KiB (at least 8 per lane)
 * @param iterations  passes over that memory
 * @param parallelism lanes
 */
public record PasswordCost(int memoryKiB, int iterations, int parallelism) {
    /** OWASP's Argon2id recommendation (2024): 19 MiB, 2 passes, 1 lane: about 30 ms on a server core. */
    public static final PasswordCost DEFAULT = new PasswordCost(19_456, 2, 1);
    /** The smallest cost Argon2 allows, for tests that hash many passwords; never for production. */
    public static final PasswordCost TESTING = new PasswordCost(64, 1, 1);

    public PasswordCost {
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("parallelism must be 1 to 16 (was " + parallelism + ")");
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("memoryKiB must be 8 per lane to 4 GiB (was " + memoryKiB + ")");
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("iterations must be 1 to 100 (was " + iterations + ")");
        }
    }
}
