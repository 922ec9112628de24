package dev.raptor.core.event;

import dev.raptor.core.server.ServerState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventBusTest {
    private final UUID server = UUID.randomUUID();

    private ServerEvent.StateChanged event(int i) {
        return new ServerEvent.StateChanged(server, Instant.now(), ServerState.OFFLINE, ServerState.STARTING, "n" + i);
    }

    @Test
    void subscribersReceiveEventsOfTheirTypeInPublishOrder() {
        EventBus bus = new EventBus();
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.StateChanged.class, e -> seen.add(e.reason()));
        bus.subscribe(ServerEvent.CrashLoop.class, e -> seen.add("wrong type"));
        for (int i = 0; i < 100; i++) {
            bus.publish(event(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 100);
        assertThat(seen).startsWith("n0", "n1", "n2").endsWith("n99").doesNotContain("wrong type");
        bus.close();
    }

    @Test
    void aStuckSubscriberLosesOnlyItsOwnOldestEventsAndNeverBlocksThePublisher() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        EventBus.Listener<ServerEvent.StateChanged> stuck = bus.subscribe(ServerEvent.StateChanged.class, e -> true, 10, e -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> healthy = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.StateChanged.class, e -> true, 10_000, e -> healthy.add(e.reason()));
        for (int i = 0; i < 5_000; i++) {
            bus.publish(event(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.size() == 5_000);
        assertThat(stuck.queued()).isLessThanOrEqualTo(10);
        assertThat(stuck.dropped()).isGreaterThanOrEqualTo(5_000 - 11);
        release.countDown();
        bus.close();
    }

    @Test
    void closingASubscriptionEndsItsThread() throws Exception {
        EventBus bus = new EventBus();
        EventBus.Listener<ServerEvent> l = bus.subscribe(ServerEvent.class, e -> {
        });
        assertThat(bus.subscriberCount()).isEqualTo(1);
        l.close();
        assertThat(l.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(bus.subscriberCount()).isZero();
        assertThat(l.isOpen()).isFalse();
    }

    @Test
    void aFailingHandlerDoesNotStopDelivery() {
        EventBus bus = new EventBus();
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.StateChanged.class, e -> {
            seen.add(e.reason());
            if (e.reason().equals("n1")) {
                throw new IllegalStateException("boom");
            }
        });
        for (int i = 0; i < 3; i++) {
            bus.publish(event(i));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> seen.size() == 3);
        bus.close();
    }
}
