package dev.raptor.core.image;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import dev.raptor.core.testing.ServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's images on the in-memory engine: what counts as used, pulls on start, commits. */
class NodeImagesTest {
    private static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    private FakeRuntime runtime;
    private FakeEngine engine;
    private ServerFixture node;
    private NodeImages images;

    @BeforeEach
    void open() {
        runtime = new FakeRuntime();
        engine = runtime.engine();
        node = new ServerFixture(runtime, new MemoryStore(), ControllerSettings.defaults(tmp.resolve("volumes")));
        images = new NodeImages(node.fleet);
    }

    @AfterEach
    void close() throws Exception {
        node.close();
    }

    @Test
    void anImageAServerNamesCannotBeRemovedEvenWithoutAContainer() {
        UUID id = node.create(ServerSpec.builder(IMAGE));
        assertThatThrownBy(() -> images.remove(IMAGE)).isInstanceOfSatisfying(ImageInUseException.class,
                e -> assertThat(e.servers()).containsExactly(id));
        assertThat(images.list()).anySatisfy(l -> {
            assertThat(l.image().tags()).contains(IMAGE);
            assertThat(l.usedBy()).containsExactly(id);
        });
    }

    @Test
    void anImageAContainerUsesIsInUseAsTheEngineSays() throws Exception {
        UUID id = node.started(ServerSpec.builder(IMAGE));
        node.fleet.update(id, 1, node.store.find(id).orElseThrow().spec().toBuilder().image("raptor-test/other:1").build());
        // the stored spec names another image now, but the old container still uses this one
        assertThatThrownBy(() -> images.remove(IMAGE)).isInstanceOf(ImageInUseException.class).hasMessageContaining("container");
    }

    @Test
    void anUnusedImageIsRemovedAndThenNotFound() {
        images.pull("raptor-test/spare:1", p -> { }, Duration.ofSeconds(10));
        images.remove("raptor-test/spare:1");
        assertThat(engine.imageTags()).doesNotContain("raptor-test/spare:1");
        assertThatThrownBy(() -> images.remove("raptor-test/spare:1")).isInstanceOf(EngineException.NotFound.class);
    }

    @Test
    void aPullReportsEveryLayer() {
        engine.missingImage("registry.local:5000/game:2").registry("registry.local:5000/game:2");
        List<PullProgress> steps = new CopyOnWriteArrayList<>();
        ImageInfo pulled = images.pull("registry.local:5000/game:2", steps::add, Duration.ofSeconds(10));
        assertThat(pulled.tags()).contains("registry.local:5000/game:2");
        assertThat(steps.stream().map(PullProgress::layer).filter(l -> l != null).distinct()).hasSize(3);
        assertThat(steps).anySatisfy(p -> assertThat(p.status()).isEqualTo("Pull complete"));
    }

    @Test
    void pruneRemovesOnlyUnusedImagesWithTheLabels() throws Exception {
        UUID id = node.started(ServerSpec.builder(IMAGE).label("keep", "me"));
        images.commit(id, new CommitRequest("pruned/one", "1", null, false), Duration.ofSeconds(10));
        images.pull("raptor-test/unlabelled:1", p -> { }, Duration.ofSeconds(10));
        PruneReport report = images.prune(Map.of("keep", "me"));
        assertThat(report.removed()).containsExactly("pruned/one:1");
        assertThat(engine.imageTags()).contains(IMAGE, "raptor-test/unlabelled:1").doesNotContain("pruned/one:1");
    }

    @Test
    void aServerWhoseImageIsMissingPullsItOnStartAndSaysSoOnTheBus() throws Exception {
        String image = "registry.local:5000/fresh:1";
        engine.missingImage(image).registry(image);
        List<ServerEvent.ImagePull> pulls = new CopyOnWriteArrayList<>();
        node.bus.subscribe(ServerEvent.ImagePull.class, pulls::add);
        UUID id = node.started(ServerSpec.builder(image));
        assertThat(node.fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        assertThat(pulls.getFirst().message()).contains("pulling " + image);
        assertThat(pulls).anySatisfy(p -> assertThat(p.progress()).isNotNull());
        assertThat(pulls.getLast().message()).isEqualTo("pulled " + image);
        assertThat(node.activity(id)).anySatisfy(a -> assertThat(a.message()).isEqualTo("pulled " + image));
    }

    @Test
    void aStartWhoseImageCannotBePulledFailsSayingWhy() throws Exception {
        engine.missingImage("registry.local:5000/nowhere:1");
        UUID id = node.create(ServerSpec.builder("registry.local:5000/nowhere:1"));
        PowerResult r = node.power(id, PowerAction.START);
        assertThat(r).isInstanceOfSatisfying(PowerResult.Failed.class,
                f -> assertThat(f.reason()).contains("could not be pulled").contains("nowhere"));
    }

    @Test
    void commitNeedsAContainerAndRecordsTheImage() throws Exception {
        UUID fresh = node.create(ServerSpec.builder(IMAGE));
        assertThatThrownBy(() -> images.commit(fresh, new CommitRequest("c/x", null, null, false), Duration.ofSeconds(10)))
                .isInstanceOf(ServerNotRunningException.class);
        UUID id = node.started(ServerSpec.builder(IMAGE));
        ImageInfo made = images.commit(id, new CommitRequest("c/lobby", "snap", "before update", true), Duration.ofSeconds(10));
        assertThat(made.tags()).containsExactly("c/lobby:snap");
        assertThat(node.activity(id)).anySatisfy(a -> {
            assertThat(a.type()).isEqualTo("commit");
            assertThat(a.details()).containsEntry("image", "c/lobby:snap");
        });
    }
}
