package dev.raptor.bench.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The calling thread's scheduler delay so far: the nanoseconds it was runnable but waited for a CPU (the second field
 * of {@code /proc/thread-self/schedstat}). Opened by the thread it measures; each read is one {@code pread} into a
 * buffer kept for the purpose, so it can be read around every request without adding allocation to the measurement.
 */
public final class RunDelay implements AutoCloseable {
    private final FileChannel file;
    private final ByteBuffer buffer = ByteBuffer.allocate(128);

    private RunDelay(FileChannel file) {
        this.file = file;
    }

    /** The calling thread's reader, or null where the kernel keeps no schedstat (then nothing is recorded). */
    public static RunDelay ofCallingThread() {
        try {
            return new RunDelay(FileChannel.open(Path.of("/proc/thread-self/schedstat"), StandardOpenOption.READ));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Nanoseconds the thread has waited runnable for a CPU so far; -1 when it cannot be read. */
    public long nanos() {
        try {
            buffer.clear();
            file.read(buffer, 0);
            int i = 0;
            int end = buffer.position();
            while (i < end && buffer.get(i) != ' ') {
                i++;
            }
            long v = 0;
            for (i++; i < end && buffer.get(i) >= '0' && buffer.get(i) <= '9'; i++) {
                v = v * 10 + (buffer.get(i) - '0');
            }
            return v;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /** The fields of a schedstat line: run ns, run-delay ns, time slices. */
    static long[] parse(String schedstat) {
        String[] f = schedstat.strip().split("\\s+");
        return new long[]{Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }
}
