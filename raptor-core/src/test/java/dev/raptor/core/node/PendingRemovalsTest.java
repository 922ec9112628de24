package dev.raptor.core.node;

import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The removal of a deleted server's files that its node could not remove at the delete: kept until the node answers,
 * tried again with a growing delay, carried out once it does, and never against a later server with the same id. The
 * node here is a directory of this machine that "answers" when the test says so (a node's engine going down is
 * {@code SwarmNodeFilesTest}'s, on the real swarm).
 */
class PendingRemovalsTest {
    @TempDir
    Path volumes;
    private final MemoryStore store = new MemoryStore();
    private final Node node = new Node();

    @Test
    void filesLeftOnANodeThatIsDownStayRecordedUntilItAnswersAndAreThenRemovedAndTheActivityLogSaysSo() throws IOException {
        StoredServer server = store.create(ServerSpec.builder("raptor-test/gameserver:1").name("gone").build());
        Path files = filesOf(server.id());
        store.delete(server.id(), target(server));
        PendingRemovals removals = new PendingRemovals(store, node, Duration.ofSeconds(5));
        Instant later = Instant.now().plus(Duration.ofHours(1));

        Instant next = removals.round(later);

        assertThat(files).as("the node is down: nothing removed").isDirectory();
        assertThat(store.pendingRemovals()).singleElement().satisfies(r -> {
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.lastError()).isEqualTo("node worker-2 does not answer");
            assertThat(r.nextAttempt()).isEqualTo(next);
        });
        assertThat(removals.countByNode()).containsExactly(java.util.Map.entry("worker-2", 1L));

        node.up = true;
        assertThat(removals.round(later.plus(Duration.ofHours(1)))).as("nothing left to do").isNull();

        assertThat(files).doesNotExist();
        assertThat(volumes).as("only its own directory goes").isDirectory();
        assertThat(store.pendingRemovals()).isEmpty();
        assertThat(store.activity(server.id(), Long.MAX_VALUE, 10)).extracting(ActivityEntry::message)
                .anySatisfy(m -> assertThat(m).startsWith("removed its files on node worker-2, 3 attempts after the delete"));
    }

    @Test
    void aRecordIsNotTriedBeforeItIsDue() throws IOException {
        StoredServer server = store.create(ServerSpec.builder("raptor-test/gameserver:1").name("gone").build());
        filesOf(server.id());
        store.delete(server.id(), target(server));
        node.up = true;

        new PendingRemovals(store, node, Duration.ofSeconds(5)).round(Instant.now().minusSeconds(60));

        assertThat(node.calls).hasValue(0);
        assertThat(store.pendingRemovals()).hasSize(1);
    }

    @Test
    void aStaleRecordNeverRemovesTheFilesOfANewServerWithTheSameId() throws IOException {
        ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1").name("first").build();
        StoredServer first = store.create(spec);
        Path files = filesOf(first.id());
        store.delete(first.id(), target(first));
        store.create(spec.toBuilder().name("second").build()); // same id, a later generation, its files in the same place
        node.up = true;

        new PendingRemovals(store, node, Duration.ofSeconds(5)).round(Instant.now().plus(Duration.ofHours(1)));

        assertThat(files).as("they may be the new server's").isDirectory();
        assertThat(node.calls).hasValue(0);
        assertThat(store.pendingRemovals()).as("the stale record is dropped").isEmpty();
        assertThat(store.activity(first.id(), Long.MAX_VALUE, 10)).extracting(ActivityEntry::message)
                .anySatisfy(m -> assertThat(m).contains("were not removed: a new server took the id"));
    }

    @Test
    void theLoopCarriesOutWhatAPreviousRunLeftOnceItStarts() throws IOException {
        StoredServer server = store.create(ServerSpec.builder("raptor-test/gameserver:1").name("gone").build());
        Path files = filesOf(server.id());
        store.delete(server.id(), target(server));
        node.up = true;

        try (PendingRemovals removals = new PendingRemovals(store, node, Duration.ofSeconds(5))) {
            removals.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(files).doesNotExist();
                assertThat(store.pendingRemovals()).isEmpty();
            });
        }
    }

    @Test
    void theDelayDoublesFromTheFirstRetryUpToTheLast() {
        assertThat(PendingRemovals.delayAfter(1)).isEqualTo(PendingRemovals.FIRST_RETRY);
        assertThat(PendingRemovals.delayAfter(2)).isEqualTo(PendingRemovals.FIRST_RETRY.multipliedBy(2));
        assertThat(PendingRemovals.delayAfter(4)).isEqualTo(PendingRemovals.FIRST_RETRY.multipliedBy(8));
        assertThat(PendingRemovals.delayAfter(50)).isEqualTo(PendingRemovals.LAST_RETRY);
        assertThat(PendingRemovals.delayAfter(Integer.MAX_VALUE)).isEqualTo(PendingRemovals.LAST_RETRY);
    }

    private Path filesOf(UUID id) throws IOException {
        Path dir = volumes.resolve(id.toString());
        Files.createDirectories(dir.resolve("world"));
        Files.writeString(dir.resolve("world/level.dat"), "a world\n");
        return dir;
    }

    private PendingRemoval.Target target(StoredServer server) {
        return new PendingRemoval.Target(server.id(), server.createdAt(), "worker-2", volumes.resolve(server.id().toString()).toString(),
                "raptor-test/gameserver:1", "node worker-2 does not answer");
    }

    /** A node whose disk is this machine's: it removes a volume when it is up, and refuses as a down node does. */
    private static final class Node implements NodeTransfers {
        volatile boolean up;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void removeFiles(PendingRemoval.Target target, Deadline deadline) throws IOException {
            calls.incrementAndGet();
            if (!up) {
                throw new IOException("node " + target.node() + " does not answer");
            }
            Path dir = Path.of(target.volume());
            if (Files.exists(dir)) {
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }

        @Override
        public String nodeOf(UUID serverId, Deadline deadline) {
            throw new UnsupportedOperationException("not part of a removal");
        }

        @Override
        public PendingRemoval.Target filesOf(UUID serverId, Instant generation, Path dataDir, Deadline deadline) {
            throw new UnsupportedOperationException("not part of a later removal");
        }

        @Override
        public Transfer prepare(UUID serverId, Path dataDir, String from, String to, Consumer<OperationProgress> progress) {
            throw new UnsupportedOperationException("not part of a removal");
        }
    }
}
