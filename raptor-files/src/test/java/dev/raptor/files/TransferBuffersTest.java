package dev.raptor.files;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Transfer buffers are direct, come back cleared, are reused once given back, and only a bounded few are kept. */
class TransferBuffersTest {
    @Test
    void aBufferGivenBackIsHandedOutAgainClearedAndDirect() {
        ByteBuffer a = TransferBuffers.acquire();
        assertThat(a.isDirect()).isTrue();
        assertThat(a.capacity()).isEqualTo(TransferBuffers.SIZE);
        a.position(10).limit(20);
        TransferBuffers.release(a);

        List<ByteBuffer> taken = new ArrayList<>();
        boolean again = false;
        for (int i = 0; i <= TransferBuffers.KEEP && !again; i++) {
            ByteBuffer b = TransferBuffers.acquire();
            taken.add(b);
            again = b == a;
        }
        assertThat(again).as("the buffer given back is reused").isTrue();
        assertThat(a.position()).isZero();
        assertThat(a.limit()).isEqualTo(a.capacity());
        taken.forEach(TransferBuffers::release);
    }

    @Test
    void atMostKeepIdleBuffersAreKeptAndForeignOnesNever() {
        List<ByteBuffer> many = new ArrayList<>();
        for (int i = 0; i < TransferBuffers.KEEP + 5; i++) {
            many.add(TransferBuffers.acquire());
        }
        many.forEach(TransferBuffers::release);
        assertThat(TransferBuffers.idle()).isLessThanOrEqualTo(TransferBuffers.KEEP);

        int before = TransferBuffers.idle();
        TransferBuffers.release(ByteBuffer.allocate(TransferBuffers.SIZE)); // a heap buffer
        TransferBuffers.release(ByteBuffer.allocateDirect(1024)); // another size
        assertThat(TransferBuffers.idle()).isEqualTo(before);
    }
}
