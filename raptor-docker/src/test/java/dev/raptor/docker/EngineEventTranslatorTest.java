package dev.raptor.docker;

import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventActor;
import com.github.dockerjava.api.model.EventType;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EngineEventTranslatorTest {
    private final EngineEventTranslator translator = new EngineEventTranslator(new EngineClock(java.time.Clock.systemUTC()));
    private final UUID server = UUID.randomUUID();

    private Event event(String action, Map<String, String> extra) {
        Map<String, String> attributes = new java.util.HashMap<>(extra);
        attributes.put(RuntimeLabels.SERVER, server.toString());
        attributes.put("name", "raptor-" + server);
        return new Event().withAction(action).withType(EventType.CONTAINER).withTimenano(1_700_000_000_123_456_789L)
                .withEventActor(new EventActor().withId("c1").withAttributes(attributes));
    }

    @Test
    void dieCarriesTheExitCodeAndTheEnginesTime() {
        RuntimeEvent e = translator.translate(event("die", Map.of("exitCode", "1"))).orElseThrow();

        assertThat(e).isInstanceOf(RuntimeEvent.Exited.class);
        RuntimeEvent.Exited exited = (RuntimeEvent.Exited) e;
        assertThat(exited.exitCode()).isEqualTo(1);
        assertThat(exited.oomKilled()).isFalse();
        assertThat(exited.ref().id()).isEqualTo("c1");
        assertThat(exited.ref().name()).isEqualTo("raptor-" + server);
        assertThat(exited.ref().serverId()).isEqualTo(server);
        assertThat(exited.at()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789L));
    }

    @Test
    void anOomEventMarksTheFollowingDieAsOomKilled() {
        assertThat(translator.translate(event("oom", Map.of()))).isEmpty();

        RuntimeEvent.Exited exited = (RuntimeEvent.Exited) translator.translate(event("die", Map.of("exitCode", "137"))).orElseThrow();
        assertThat(exited.oomKilled()).isTrue();
        RuntimeEvent.Exited next = (RuntimeEvent.Exited) translator.translate(event("die", Map.of("exitCode", "0"))).orElseThrow();
        assertThat(next.oomKilled()).isFalse();
    }

    @Test
    void startAndDestroyBecomeStartedAndRemoved() {
        assertThat(translator.translate(event("start", Map.of()))).get().isInstanceOf(RuntimeEvent.Started.class);
        assertThat(translator.translate(event("destroy", Map.of()))).get().isInstanceOf(RuntimeEvent.Removed.class);
    }

    @Test
    void eventsOfContainersWithoutAServerLabelAreIgnored() {
        Event stranger = new Event().withAction("start").withEventActor(new EventActor().withId("c2").withAttributes(Map.of("name", "x")));

        assertThat(translator.translate(stranger)).isEmpty();
    }
}
