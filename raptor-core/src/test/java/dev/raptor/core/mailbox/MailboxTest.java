package dev.raptor.core.mailbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @Test
    void commandsAreTakenInTheOrderTheyWerePostedAndStayInHandUntilDone() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        box.offer("a");
        box.offer("b");
        assertThat(box.take()).isEqualTo("a");
        assertThat(box.inHand()).isEqualTo("a");
        assertThat(box.isIdle()).isFalse();
        box.done();
        assertThat(box.inHand()).isNull();
        assertThat(box.take()).isEqualTo("b");
        box.done();
        assertThat(box.isIdle()).isTrue();
    }

    @Test
    void aFullMailboxRefusesTheNextCommandAndSaysSo() {
        Mailbox<Integer> box = new Mailbox<>(2);
        assertThat(box.offer(1)).isTrue();
        assertThat(box.offer(2)).isTrue();
        assertThat(box.offer(3)).isFalse();
        assertThat(box.size()).isEqualTo(2);
    }

    @Test
    void anAdmissionSeesTheQueueAndTheCommandInHandAndMayReplaceWhatWaits() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        box.offer("running");
        box.take();
        box.offer("queued-1");
        box.offer("queued-2");
        List<String> seen = new ArrayList<>();
        boolean admitted = box.offer("latest", (queued, inHand) -> {
            seen.add(inHand);
            seen.addAll(queued);
            queued.clear();
            return true;
        });
        assertThat(admitted).isTrue();
        assertThat(seen).containsExactly("running", "queued-1", "queued-2");
        assertThat(box.take()).isEqualTo("latest");
        assertThat(box.offer("kept out", (queued, inHand) -> false)).isFalse();
        assertThat(box.size()).isZero();
    }

    @Test
    void aTimerDeliversItsCommandToTheWorkerAfterItsDelayAndQueuedCommandsGoFirst() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        box.schedule("later", Duration.ofHours(1));
        box.schedule("due", Duration.ZERO);
        box.offer("queued");
        assertThat(box.take()).isEqualTo("queued");
        assertThat(box.take()).isEqualTo("due");
        box.schedule("soon", Duration.ofMillis(20));
        assertThat(box.take()).as("waits for the timer, not for the hour-long one").isEqualTo("soon");
    }

    @Test
    void aCancelledTimerNeverDelivers() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        Mailbox.Timer t = box.schedule("cancelled", Duration.ZERO);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancel()).isFalse();
        box.offer("next");
        assertThat(box.take()).isEqualTo("next");
        box.done();
        assertThat(box.isIdle()).isTrue();
    }

    @Test
    void closingHandsBackWhatWasNeverTakenAndRefusesEverythingAfter() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        box.offer("in hand");
        box.take();
        box.offer("left 1");
        box.offer("left 2");
        box.schedule("timer", Duration.ZERO);
        assertThat(box.close()).containsExactly("left 1", "left 2");
        assertThat(box.inHand()).as("the worker finishes what it holds").isEqualTo("in hand");
        assertThat(box.take()).isNull();
        assertThat(box.offer("late")).isFalse();
        assertThat(box.close()).isEmpty();
        assertThat(box.isClosed()).isTrue();
    }

    @Test
    void aWorkerWaitingForItsNextCommandIsWokenByCloseWithNull() throws Exception {
        Mailbox<String> box = new Mailbox<>(10);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<String> worker = CompletableFuture.supplyAsync(() -> {
            try {
                waiting.countDown();
                return String.valueOf(box.take());
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        assertThat(waiting.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        box.close();
        assertThat(worker.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("null");
    }
}
