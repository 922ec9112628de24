package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an image inspect said: while the image events are watched, trusted until any image event or a break of the watch;
 * without a watch, handed once to the next create within a moment; never after this runtime changed an image.
 */
class KnownImagesTest {
    private static final Map<String, String> FILES = Map.of("dev.raptor.server-files", "true");
    private final AtomicLong now = new AtomicLong(1_000);
    private final KnownImages known = new KnownImages(now::get);

    private void inspected(String reference, Map<String, String> labels) {
        known.remember(reference, "sha256:" + reference, labels, known.beforeInspect());
    }

    @Test
    void withoutAWatchLabelsAreHandedOnceToTheSameReference() {
        inspected("mc:1", FILES);
        assertThat(known.watched("mc:1")).as("no watch: the engine is asked").isFalse();
        assertThat(known.labels("mc:2")).isEmpty();
        assertThat(known.labels("mc:1")).contains(FILES);
        assertThat(known.labels("mc:1")).as("taken already").isEmpty();
        inspected("plain:1", null);
        assertThat(known.labels("plain:1")).as("an image without labels").contains(Map.of());
    }

    @Test
    void withoutAWatchLabelsOlderThanAStartAreNotUsed() {
        inspected("mc:1", Map.of("a", "b"));
        now.addAndGet(KnownImages.FRESH_FOR.toNanos());
        inspected("mc:2", Map.of("a", "b"));
        now.incrementAndGet();
        assertThat(known.labels("mc:1")).isEmpty();
        assertThat(known.labels("mc:2")).contains(Map.of("a", "b"));
    }

    @Test
    void whileWatchedAnInspectIsTrustedAgainAndAgain() {
        known.watchOpened();
        inspected("mc:1", FILES);
        now.addAndGet(KnownImages.FRESH_FOR.toNanos() * 100);
        for (int i = 0; i < 3; i++) {
            assertThat(known.watched("mc:1")).isTrue();
            assertThat(known.labels("mc:1")).contains(FILES);
        }
    }

    @Test
    void anyImageEventForgetsWhatWasInspected() {
        known.watchOpened();
        inspected("mc:1", FILES);
        known.changed(); // e.g. mc:1 re-tagged to another image
        assertThat(known.watched("mc:1")).isFalse();
        inspected("mc:1", Map.of());
        assertThat(known.watched("mc:1")).isTrue();
        assertThat(known.labels("mc:1")).as("the new image's labels").contains(Map.of());
    }

    @Test
    void anImageEventDuringAnInspectMakesItsAnswerUntrusted() {
        known.watchOpened();
        long before = known.beforeInspect();
        known.changed(); // the engine changed the image while the inspect was under way
        known.remember("mc:1", "sha256:old", FILES, before);
        assertThat(known.watched("mc:1")).isFalse();
    }

    @Test
    void aBrokenWatchTrustsNothingItFollowedAndAReconnectDoesNotRestoreIt() {
        known.watchOpened();
        inspected("mc:1", FILES);
        known.watchEnded();
        assertThat(known.watched("mc:1")).isFalse();
        known.watchOpened();
        assertThat(known.watched("mc:1")).as("events between the break and the reconnect are unknown").isFalse();
    }

    @Test
    void anInspectBeforeTheWatchWasAnsweredIsNotTrustedByIt() {
        long before = known.beforeInspect();
        known.watchOpened();
        known.remember("mc:1", "sha256:a", FILES, before);
        assertThat(known.watched("mc:1")).isFalse();
    }

    @Test
    void anImageChangedByThisRuntimeForgetsEverything() {
        known.watchOpened();
        inspected("mc:1", Map.of("a", "b"));
        inspected("mc:2", Map.of("a", "b"));
        known.forgetAll();
        assertThat(known.watched("mc:1")).isFalse();
        assertThat(known.labels("mc:2")).isEmpty();
    }
}
