package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What a start's image check saw serves its create once, only while fresh, and never after this runtime changed an image. */
class RecentImageLabelsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final RecentImageLabels recent = new RecentImageLabels(now::get);

    @Test
    void labelsAreHandedOnceToTheSameReference() {
        recent.remember("mc:1", Map.of("dev.raptor.server-files", "true"));
        assertThat(recent.take("mc:2")).isEmpty();
        assertThat(recent.take("mc:1")).contains(Map.of("dev.raptor.server-files", "true"));
        assertThat(recent.take("mc:1")).as("taken already").isEmpty();
        recent.remember("plain:1", null);
        assertThat(recent.take("plain:1")).as("an image without labels").contains(Map.of());
    }

    @Test
    void labelsOlderThanAStartAreNotUsed() {
        recent.remember("mc:1", Map.of("a", "b"));
        now.addAndGet(RecentImageLabels.FRESH_FOR.toNanos());
        recent.remember("mc:2", Map.of("a", "b"));
        now.incrementAndGet();
        assertThat(recent.take("mc:1")).isEmpty();
        assertThat(recent.take("mc:2")).contains(Map.of("a", "b"));
    }

    @Test
    void anImageChangedByThisRuntimeForgetsEverything() {
        recent.remember("mc:1", Map.of("a", "b"));
        recent.forgetAll();
        assertThat(recent.take("mc:1")).isEmpty();
    }
}
