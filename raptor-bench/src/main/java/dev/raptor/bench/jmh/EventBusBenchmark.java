package dev.raptor.bench.jmh;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.server.ServerState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link EventBus#publish} fan-out to 1, 10 and 100 listeners, end to end: a batch of events is
 * published and the benchmark waits until every listener has handled every event (or dropped it:
 * queues are bounded), so the figure is the time per event delivered to all listeners, not just
 * the cost of enqueueing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventBusBenchmark {
    private static final int BATCH = 1000;

    @Param({"1", "10", "100"})
    public int listeners;

    private EventBus bus;
    private final AtomicLong handled = new AtomicLong();
    private final java.util.List<EventBus.Listener<ServerEvent>> subs = new java.util.ArrayList<>();
    private ServerEvent event;

    @Setup(Level.Trial)
    public void setUp() {
        bus = new EventBus();
        for (int i = 0; i < listeners; i++) {
            // a queue as large as the batch: the figure is delivery, not dropping
            subs.add(bus.subscribe(ServerEvent.class, e -> true, BATCH, e -> handled.incrementAndGet()));
        }
        event = new ServerEvent.StateChanged(UUID.randomUUID(), Instant.now(), ServerState.STARTING, ServerState.RUNNING, "bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndDeliver() throws InterruptedException {
        long target = handled.get() + (long) BATCH * listeners;
        for (int i = 0; i < BATCH; i++) {
            bus.publish(event);
        }
        long limit = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            long dropped = 0;
            for (EventBus.Listener<ServerEvent> l : subs) {
                dropped += l.dropped();
            }
            if (handled.get() + dropped >= target) {
                return handled.get();
            }
            if (System.nanoTime() > limit) {
                throw new IllegalStateException("listeners did not drain a batch within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** The publisher's side alone: what a controller pays per event, whatever the listeners do. */
    @Benchmark
    public void publishOnly() {
        bus.publish(event);
    }
}
