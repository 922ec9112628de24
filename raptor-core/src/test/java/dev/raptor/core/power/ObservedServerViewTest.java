package dev.raptor.core.power;

import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.RecordVariants;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A controller gives the same {@link ServerController.View} while the server's members are what it holds
 * ({@link ObservedServer#view}), compared by hand ({@link ObservedServer#shows}): a member added to the view but not to
 * that comparison would keep serving the old view (and the API's list its old bytes) after that member changed.
 */
class ObservedServerViewTest {

    @Test
    void everyMemberOfTheViewIsComparedSoThatAChangeOfAnyOneMakesANewView() throws Exception {
        // every member set (none null), so that each can be changed to something else
        ServerController.View made = new ServerController.View(UUID.randomUUID(), ServerState.RUNNING, DesiredState.RUNNING, true,
                "exited with 1", "c0ffee", Instant.parse("2026-12-06T10:00:00Z"), Instant.parse("2026-12-06T10:00:01Z"),
                "restart", ContainerHealth.HEALTHY);
        assertThat(showsMembersOf(made, made)).isTrue();

        for (RecordVariants.Variant<ServerController.View> v : RecordVariants.eachMemberChanged(made, ObservedServerViewTest::another)) {
            assertThat(showsMembersOf(v.record(), made)).as("a kept view whose %s differs is not given again", v.member()).isFalse();
        }
    }

    /** Whether {@code kept} shows what {@code now}'s members are, as {@link ObservedServer#view} asks it. */
    private static boolean showsMembersOf(ServerController.View kept, ServerController.View now) {
        return ObservedServer.shows(kept, now.id(), now.state(), now.desired(), now.crashLoop(), now.lastError(), now.containerId(),
                now.startedAt(), now.outputSince(), now.busyWith(), now.health());
    }

    /** A value of {@code type} other than {@code v}. */
    private static Object another(Object v, Class<?> type) {
        if (type == boolean.class) {
            return !(Boolean) v;
        }
        if (type == String.class) {
            return v + "-other";
        }
        if (type == Instant.class) {
            return ((Instant) v).plusSeconds(1);
        }
        if (type == UUID.class) {
            return UUID.randomUUID();
        }
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants()).filter(c -> c != v).findFirst().orElseThrow();
        }
        throw new IllegalStateException("no other value for a " + type.getSimpleName() + ": teach the test one");
    }
}
