package dev.raptor.core.power;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.image.PullProgress;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells the bus how a start's image pull goes ({@link ServerEvent.ImagePull}), without flooding it: an engine
 * reports every few kilobytes of every layer, so a layer's byte counts are passed on at most every
 * {@link #EVERY}, while every change of a layer's step (Waiting, Downloading, Extracting, Pull complete) and
 * every message about the whole image go at once. Called from the runtime's pull thread.
 */
final class PullAnnouncer implements Consumer<PullProgress> {
    static final Duration EVERY = Duration.ofMillis(500);

    private final UUID serverId;
    private final String image;
    private final Consumer<ServerEvent> publish;
    private final Map<String, Step> last = new HashMap<>();

    private record Step(String status, long atNanos) {
    }

    PullAnnouncer(UUID serverId, String image, Consumer<ServerEvent> publish) {
        this.serverId = serverId;
        this.image = image;
        this.publish = publish;
    }

    void begin() {
        publish.accept(new ServerEvent.ImagePull(serverId, Instant.now(), image, null, "pulling " + image + " (it is not on this node)"));
    }

    @Override
    public void accept(PullProgress p) {
        if (p.layer() != null) {
            long now = System.nanoTime();
            Step before = last.get(p.layer());
            boolean sameStep = before != null && Objects.equals(before.status(), p.status());
            if (sameStep && now - before.atNanos() < EVERY.toNanos()) {
                return;
            }
            last.put(p.layer(), new Step(p.status(), now));
        }
        publish.accept(new ServerEvent.ImagePull(serverId, Instant.now(), image, p, null));
    }

    void end(String how) {
        publish.accept(new ServerEvent.ImagePull(serverId, Instant.now(), image, null, how));
    }
}
