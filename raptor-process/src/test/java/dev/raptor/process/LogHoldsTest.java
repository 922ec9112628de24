package dev.raptor.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** What the record's console.hold tells the pump: the oldest file any follower still needs, and nothing once none does. */
class LogHoldsTest {
    @TempDir
    Path dir;

    @Test
    void theFileSaysTheOldestFileAnyFollowerStillNeeds() {
        RecordFiles files = new RecordFiles(dir);
        LogHolds.Hold a = LogHolds.hold(files, 5);
        assertThat(LogHolds.oldestHeld(files)).isEqualTo(5);

        LogHolds.Hold b = LogHolds.hold(files, 3);
        assertThat(LogHolds.oldestHeld(files)).isEqualTo(3);

        a.moveTo(7);
        assertThat(LogHolds.oldestHeld(files)).as("b still needs 3").isEqualTo(3);

        b.close();
        assertThat(LogHolds.oldestHeld(files)).isEqualTo(7);

        a.close();
        a.close();
        assertThat(dir.resolve(LogHolds.FILE)).as("nothing held: no file").doesNotExist();
    }

    @Test
    void followersMovingAtOnceLeaveTheFileSayingTheNewestOldest() throws Exception {
        RecordFiles files = new RecordFiles(dir);
        int followers = 8;
        int moves = 200;
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<LogHolds.Hold> holds = new ArrayList<>();
        for (int f = 0; f < followers; f++) {
            holds.add(LogHolds.hold(files, 0));
        }
        for (int f = 0; f < followers; f++) {
            LogHolds.Hold h = holds.get(f);
            int base = f * 1000;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int m = 1; m <= moves; m++) {
                    h.moveTo(base + m);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofSeconds(60))).as("a follower's moves end").isTrue();
        }

        assertThat(LogHolds.oldestHeld(files)).as("the slowest follower's last file").isEqualTo(moves);
        holds.forEach(LogHolds.Hold::close);
        assertThat(Files.exists(dir.resolve(LogHolds.FILE))).isFalse();
    }
}
