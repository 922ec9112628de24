package dev.raptor.files.archive;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadInputStreamTest {
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void everyByteArrivesInOrderWhateverTheSizesOfTheReads() throws IOException {
        byte[] data = random(5 * 4096 + 123);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random sizes = new Random(7);
        try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), 4096, 2)) {
            byte[] buf = new byte[10_000];
            int n;
            while ((n = in.read(buf, 0, 1 + sizes.nextInt(buf.length))) >= 0) {
                out.write(buf, 0, n);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void aFailureOfTheSourceComesAfterTheBytesBeforeItAndOnEveryLaterRead() throws IOException {
        byte[] data = random(10_000);
        IOException broken = new IOException("corrupt block");
        InputStream failing = new InputStream() {
            int at;

            @Override
            public int read() throws IOException {
                if (at == data.length) {
                    throw broken;
                }
                return data[at++] & 0xff;
            }
        };
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = new ReadAheadInputStream(failing, 4096, 2)) {
            byte[] buf = new byte[3000];
            assertThatThrownBy(() -> {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            }).isSameAs(broken);
            assertThatThrownBy(in::read).isSameAs(broken); // never a quiet end after a failure
        }
        assertThat(got.toByteArray()).isEqualTo(data);
    }

    @Test
    void closingBeforeTheEndStopsTheReaderThenClosesTheSourceOnce() throws IOException {
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger readsAfterClose = new AtomicInteger();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                if (closes.get() > 0) {
                    readsAfterClose.incrementAndGet();
                }
                return 1;
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless, 1024, 2);
        assertThat(in.read(new byte[100])).isPositive();

        in.close();
        in.close();

        assertThat(closes).hasValue(1);
        assertThat(readsAfterClose).hasValue(0);
        assertThat(in.reader.isAlive()).isFalse();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }
}
