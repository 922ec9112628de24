package dev.raptor.files;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffers bulk transfers move their bytes through (an upload into a file, a file out to a socket): direct, of
 * one size ({@value #SIZE} bytes), a few kept for the next transfer.
 *
 * <p>Why direct: the JDK reads and writes files and sockets only from native memory, so every call with a heap
 * buffer first copies through a temporary direct one; a 1 GiB transfer through heap buffers crossed memory twice
 * more than it needs to. Why this size: each buffer is one {@code write} call on the file (and one on the socket),
 * and fewer calls per GiB is what a transfer saves most; but not larger, because Linux 6.x backs a larger buffered
 * write of new data with large folios, and on the bench machine (a VM whose free memory the host reclaims) 1 MiB
 * writes spent 5 s of kernel time per GiB copying into them against 0.4 s for 256 KiB ones ({@code dd bs=1M} against
 * {@code bs=256K}, see raptor-bench's README). Why pooled: a direct
 * buffer's memory is given back only when the collector finds its owner, so one allocated per request would let a
 * busy node hold many of them between collections; here at most {@value #KEEP} idle ones are kept and the rest are
 * left to the collector.
 */
public final class TransferBuffers {
    /** The size of every buffer: one file or socket call per 256 KiB. */
    public static final int SIZE = 256 * 1024;
    /** Idle buffers kept for reuse (8 MiB of native memory at most). */
    static final int KEEP = 32;

    private static final ConcurrentLinkedQueue<ByteBuffer> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

    private TransferBuffers() {
    }

    /** A cleared buffer of {@value #SIZE} bytes, to give back with {@link #release} once nothing refers to it. */
    public static ByteBuffer acquire() {
        ByteBuffer b = IDLE.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(SIZE);
        }
        IDLE_COUNT.decrementAndGet();
        return b.clear();
    }

    /**
     * Gives a buffer back. Only once no channel or pending write still refers to it: a transfer that failed half
     * way (a socket write that may still be pending) drops its buffer instead.
     */
    public static void release(ByteBuffer buffer) {
        if (buffer == null || !buffer.isDirect() || buffer.capacity() != SIZE) {
            return;
        }
        if (IDLE_COUNT.incrementAndGet() <= KEEP) {
            IDLE.offer(buffer.clear());
        } else {
            IDLE_COUNT.decrementAndGet();
        }
    }

    /** How many idle buffers are kept now (for tests). */
    static int idle() {
        return IDLE_COUNT.get();
    }
}
