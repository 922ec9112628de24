package dev.raptor.bench.scenario;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.raptor.bench.stats.Samples;
import dev.raptor.core.runtime.RuntimeLabels;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a stop's time goes, by the engine's own clock: the {@code kill}, {@code die} and {@code destroy} events of
 * this run's containers (their {@code timeNano}), set against the instants the client sent the stop and heard its
 * answer and the remove's. Opt-in ({@code --stop-stamps=1}): one more events stream on the engine while it runs.
 *
 * <p>Why: a stop's time outside its signal call is the game server's shutdown (kill to die), the engine's delivery
 * of the exit and the daemon's answer (die to answer heard), and on the reference's side {@code docker stop} also
 * holds the engine's work after the exit (die to its return), which Raptor's remove then waits for instead. The
 * same machine's wall clock stamps both, so the differences are good to well under a millisecond.
 */
final class StopStamps implements Closeable {
    /** What the engine said of a server's container: action to its timeNano. */
    private final Map<String, Map<String, Long>> byServer = new ConcurrentHashMap<>();
    private final Closeable stream;

    /** The rows printed: one per segment, Raptor's and docker-java's side by side. */
    static final String[] SEGMENTS = {
            "stop sent -> engine's kill event (request handling, the signal's delivery)",
            "kill -> die (the game server's exit as the engine records it)",
            "die -> stop answer heard (the exit's delivery, the daemon's answer; docker stop: the engine's post-exit work)",
            "die -> remove answer heard (the remove waits for the engine's post-exit work when the stop did not)",
    };
    final Samples[] raptor = {new Samples(), new Samples(), new Samples(), new Samples()};
    final Samples[] reference = {new Samples(), new Samples(), new Samples(), new Samples()};

    StopStamps(DockerClient client, String node) {
        this.stream = client.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("kill", "die", "destroy")
                .withLabelFilter(RuntimeLabels.NODE + "=" + node)
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event e) {
                        Map<String, String> attributes = e.getActor() == null ? null : e.getActor().getAttributes();
                        String server = attributes == null ? null : attributes.get(RuntimeLabels.SERVER);
                        if (server != null && e.getTimeNano() != null) {
                            // the first kill only: a stop's own; later ones would be a kill past its grace
                            byServer.computeIfAbsent(server, k -> new ConcurrentHashMap<>()).putIfAbsent(e.getAction(), e.getTimeNano());
                        }
                    }
                });
    }

    /** This machine's wall clock in epoch nanoseconds, the clock the engine stamps its events with. */
    static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * Records one round's stop: the instants (epoch nanos) the stop was sent, its answer heard and the remove's
     * answer heard; waits up to 2 s for the engine's events of it. A round whose events did not come is left out.
     */
    void round(boolean ours, UUID server, long stopSent, long stopHeard, long removeHeard) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        Map<String, Long> seen;
        while (((seen = byServer.get(server.toString())) == null || !seen.keySet().containsAll(java.util.List.of("kill", "die")))
                && System.nanoTime() - giveUp < 0) {
            Thread.sleep(5);
        }
        byServer.remove(server.toString());
        if (seen == null || !seen.containsKey("kill") || !seen.containsKey("die")) {
            return;
        }
        long[] segments = segments(stopSent, seen.get("kill"), seen.get("die"), stopHeard, removeHeard);
        Samples[] into = ours ? raptor : reference;
        for (int s = 0; s < segments.length; s++) {
            into[s].add(Math.max(0, segments[s]));
        }
    }

    /** The four segments of {@link #SEGMENTS}, in nanoseconds. */
    static long[] segments(long stopSent, long kill, long die, long stopHeard, long removeHeard) {
        return new long[] {kill - stopSent, die - kill, stopHeard - die, removeHeard - die};
    }

    void print() {
        System.out.println("lifecycle stop stamps (engine events' timeNano against the client's wall clock), medians:");
        for (int s = 0; s < SEGMENTS.length; s++) {
            System.out.println("  " + SEGMENTS[s] + ": Raptor " + raptor[s].summary() + " | docker-java " + reference[s].summary());
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
