package dev.raptor.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadNiceTest {
    @Test
    void theCallingThreadsNiceValueIsSetForItAloneAsTheKernelReportsIt() throws Exception {
        long caller = ThreadNice.callingThreadId();
        int callersBefore = ThreadNice.of(caller);
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                // a higher nice value (a lower priority) needs no privilege
                seen.set(new int[]{ThreadNice.set(callersBefore + 5), ThreadNice.of(ThreadNice.callingThreadId())});
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.join(60_000);

        assertThat(seen.get()).isInstanceOf(int[].class);
        assertThat((int[]) seen.get()).containsExactly(callersBefore + 5, callersBefore + 5);
        assertThat(ThreadNice.of(caller)).as("the caller's own nice value").isEqualTo(callersBefore);
        assertThat(caller).isNotEqualTo(ProcessHandle.current().pid()).as("a test thread is not the process's first");
    }
}
