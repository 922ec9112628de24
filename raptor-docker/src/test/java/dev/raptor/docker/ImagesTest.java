package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Images on the real engine: pulls from a private registry this class starts (with the login the runtime is
 * configured with, per registry host), removal refused while a container uses an image, and commits that carry the
 * server's files into a server made from them. Every image this class makes has a name of its own and is removed
 * after it; nothing else is.
 */
class ImagesTest extends EngineTest {
    @TempDir
    static Path registryDir;
    static TestRegistry registry;
    static final String RUN = "raptor-verbs-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> madeImages = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start(registryDir);
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        registry.close();
    }

    @AfterEach
    void removeTheImagesThisTestMade() {
        for (String image : madeImages.reversed()) {
            try {
                docker.removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException gone) {
                // the test removed it
            }
        }
    }

    private DockerRuntime withLogin() {
        return DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost())
                .withRegistries(Map.of(registry.host(), new RegistryCredential(TestRegistry.USER, TestRegistry.PASSWORD))));
    }

    /**
     * An image of the test image plus a layer of its own (so that a pull has a layer to download), pushed into the
     * registry under a name of this test's and then removed from the engine.
     */
    private String pushed(String name) throws InterruptedException {
        String repository = registry.host() + "/" + RUN + "/" + name;
        String maker = docker.createContainerCmd(TestEngine.IMAGE).withLabels(Map.of(TestEngine.TEST_LABEL, testToken))
                .withEntrypoint("/bin/sh", "-c", "echo " + UUID.randomUUID() + " > /layer-of-its-own").exec().getId();
        docker.startContainerCmd(maker).exec();
        docker.waitContainerCmd(maker).start().awaitStatusCode(1, TimeUnit.MINUTES);
        docker.commitCmd(maker).withRepository(repository).withTag("1").exec();
        docker.removeContainerCmd(maker).exec();
        madeImages.add(repository + ":1");
        docker.pushImageCmd(repository).withTag("1")
                .withAuthConfig(new AuthConfig().withUsername(TestRegistry.USER).withPassword(TestRegistry.PASSWORD)
                        .withRegistryAddress(registry.host()))
                .exec(new ResultCallback.Adapter<PushResponseItem>()).awaitCompletion(2, TimeUnit.MINUTES);
        docker.removeImageCmd(repository + ":1").exec();
        return repository + ":1";
    }

    @Test
    void aPullFromARegistryLogsInWithItsCredentialsAndReportsEveryLayer() throws Exception {
        String image = pushed("pulled");
        assertThat(runtime.inspectImage(image, soon())).isEmpty();
        List<PullProgress> steps = new CopyOnWriteArrayList<>();
        try (DockerRuntime logged = withLogin()) {
            ImageInfo pulled = logged.pullImage(image, steps::add, Deadline.in(PATIENCE));
            madeImages.add(image);
            assertThat(pulled.tags()).contains(image);
        }
        assertThat(runtime.inspectImage(image, soon())).isPresent();
        assertThat(steps).anySatisfy(p -> {
            assertThat(p.layer()).isNotNull();
            assertThat(p.status()).isEqualTo("Pull complete");
        });
        assertThat(steps).anySatisfy(p -> assertThat(p.status()).startsWith("Status: Downloaded newer image"));
    }

    @Test
    void aPullWithoutTheRegistrysLoginIsRefusedAsNotFound() throws Exception {
        String image = pushed("anonymous");
        assertThatThrownBy(() -> runtime.pullImage(image, p -> { }, Deadline.in(PATIENCE)))
                .isInstanceOf(EngineException.NotFound.class).hasMessageContaining(image);
    }

    @Test
    void anImageAContainerUsesIsNotRemovedAndAnUnusedOneIs() {
        String image = RUN + "/in-use:1";
        docker.tagImageCmd(TestEngine.IMAGE, RUN + "/in-use", "1").exec();
        madeImages.add(image);
        ServerSpec spec = spec().image(image).build();
        create(spec);
        assertThatThrownBy(() -> runtime.removeImage(image, soon())).isInstanceOf(EngineException.Conflict.class);
        docker.tagImageCmd(TestEngine.IMAGE, RUN + "/unused", "1").exec();
        madeImages.add(RUN + "/unused:1");
        runtime.removeImage(RUN + "/unused:1", soon());
        assertThat(runtime.inspectImage(RUN + "/unused:1", soon())).isEmpty();
        assertThatThrownBy(() -> runtime.removeImage(RUN + "/unused:1", soon())).isInstanceOf(EngineException.NotFound.class);
        assertThat(runtime.images(soon())).anySatisfy(i -> assertThat(i.tags()).contains(image));
    }

    @Test
    void aCommitCarriesTheServersFilesIntoAServerMadeFromIt() throws Exception {
        Files.createDirectories(dataDir.resolve("world"));
        Files.writeString(dataDir.resolve("world/level.dat"), "the first world");
        ServerSpec first = spec().label("team", "blue").build();
        Console console = startBooted(first);
        runtime.exec(console.ref(), ExecRequest.of("sh", "-c", "echo made-in-the-container > /tmp/marker"), Deadline.in(PATIENCE));

        String image = RUN + "/committed:1";
        madeImages.add(image);
        ImageInfo made = runtime.commit(console.ref(), new CommitRequest(RUN + "/committed", "1", "before the update", true),
                Deadline.in(PATIENCE));
        assertThat(made.tags()).containsExactly(image);
        assertThat(made.labels()).containsEntry("team", "blue").containsEntry(ServerFilesInImages.FILES_LABEL, "true")
                .doesNotContainKeys("dev.raptor.server", "dev.raptor.spec-hash");
        assertThat(runtime.inspect(console.ref(), soon()).running()).as("the server ran on through the commit").isTrue();

        Path secondData = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-second"));
        ServerSpec second = spec().image(image).build();
        ContainerInfo c = runtime.create(second, secondData, Deadline.in(PATIENCE));
        assertThat(secondData.resolve("world/level.dat")).hasContent("the first world");
        runtime.start(c.ref(), soon());
        var r = runtime.exec(c.ref(), ExecRequest.of("sh", "-c", "cat /home/container/world/level.dat /tmp/marker"), Deadline.in(PATIENCE));
        assertThat(r.stdout()).isEqualTo("the first worldmade-in-the-container\n");
        runtime.remove(c.ref(), soon());

        // a start checks its image first (inspectImage) and its create seeds from the labels that check saw
        Path thirdData = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-third"));
        assertThat(runtime.inspectImage(image, soon())).hasValueSatisfying(i -> assertThat(i.tags()).contains(image));
        runtime.create(spec().image(image).build(), thirdData, Deadline.in(PATIENCE));
        assertThat(thirdData.resolve("world/level.dat")).hasContent("the first world");
    }
}
