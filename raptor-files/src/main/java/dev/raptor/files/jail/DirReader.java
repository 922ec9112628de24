package dev.raptor.files.jail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The entries of one open directory, read with {@code getdents64(2)} into a native buffer: names stay the file
 * system's bytes, and a walk over a million files allocates nothing per entry unless asked for a name.
 * {@code .} and {@code ..} are skipped. Owns its descriptor and buffer; one thread.
 */
public final class DirReader implements AutoCloseable {
    private static final int BUFFER = 32 * 1024;

    private final Fd dir;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(BUFFER, 8);
    private final MemorySegment state = LinuxCalls.errnoState(arena);
    private final String path;
    private long filled;
    private long offset;
    private long current = -1;
    private int nameLength;

    /** @param dir a directory opened for reading ({@code O_RDONLY|O_DIRECTORY}); the reader closes it */
    DirReader(Fd dir, String path) {
        this.dir = dir;
        this.path = path;
    }

    /** Moves to the next entry; false at the end. */
    public boolean next() throws IOException {
        while (true) {
            if (current >= 0) {
                offset += Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, current + 16));
                current = -1;
            }
            if (offset >= filled) {
                long n = LinuxCalls.getdents64(state, dir.fd(), buf);
                if (n < 0) {
                    throw Errno.toException((int) -n, "list", path);
                }
                if (n == 0) {
                    return false;
                }
                filled = n;
                offset = 0;
            }
            current = offset;
            long name = current + 19;
            int len = 0;
            while (buf.get(ValueLayout.JAVA_BYTE, name + len) != 0) {
                len++;
            }
            nameLength = len;
            if ((len == 1 && buf.get(ValueLayout.JAVA_BYTE, name) == '.')
                    || (len == 2 && buf.get(ValueLayout.JAVA_BYTE, name) == '.' && buf.get(ValueLayout.JAVA_BYTE, name + 1) == '.')) {
                continue;
            }
            return true;
        }
    }

    /** The entry's {@code d_type} ({@link LinuxCalls#DT_DIR}, {@link LinuxCalls#DT_REG}, ...; may be unknown). */
    public byte type() {
        return buf.get(ValueLayout.JAVA_BYTE, current + 18);
    }

    /** The entry's name, NUL-terminated, valid until the next {@link #next()}. */
    public MemorySegment nameSegment() {
        return buf.asSlice(current + 19, nameLength + 1);
    }

    public byte[] name() {
        return buf.asSlice(current + 19, nameLength).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The directory being read (for {@code *at} calls on its entries). */
    public Fd dir() {
        return dir;
    }

    @Override
    public void close() {
        dir.close();
        arena.close();
    }
}
