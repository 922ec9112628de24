package dev.raptor.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.testing.EngineProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A start's image check is answered without asking the engine while the runtime follows the engine's image events and
 * none came since it last asked ({@link KnownImages}); a reference re-tagged to another image behind Raptor's back is
 * asked about again, and the next create is made from the new image and seeded by its labels. Counted at a proxy in
 * front of the real engine.
 */
class ImageRetagTest extends EngineTest {
    private static final String REPOSITORY = "raptor-calls-retag-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String REFERENCE = REPOSITORY + ":1";

    @Test
    void aReferenceRetaggedToAnotherImageIsAskedAboutAgainAndTheNextCreateUsesTheNewImagesIdAndLabels(@TempDir Path dir)
            throws Exception {
        String filesImage = null;
        List<ContainerInfo> made = new java.util.ArrayList<>();
        try (EngineProxy proxy = new EngineProxy(dir.resolve("proxy.sock"), TestEngine.dockerHost());
             DockerRuntime viaProxy = DockerRuntime.connect(proxy.dockerHost());
             Subscription events = viaProxy.events(new Collector<RuntimeEvent>())) {
            docker.tagImageCmd(TestEngine.IMAGE, REPOSITORY, "1").exec();
            String plainId = docker.inspectImageCmd(TestEngine.IMAGE).exec().getId();

            // once the image events are followed, a check that found the image is not asked again
            await().atMost(PATIENCE).until(() -> {
                viaProxy.hasImage(REFERENCE, soon());
                long before = proxy.requests("GET", "/images/");
                return viaProxy.hasImage(REFERENCE, soon()) && proxy.requests("GET", "/images/") == before;
            });
            long inspects = proxy.requests("GET", "/images/");
            Path first = Files.createDirectories(dir.resolve("first"));
            made.add(viaProxy.create(spec().image(REFERENCE).build(), first, Deadline.in(PATIENCE)));
            assertThat(viaProxy.hasImage(REFERENCE, soon())).isTrue();
            assertThat(proxy.requests("GET", "/images/")).as("neither the create nor a check asked about the image")
                    .isEqualTo(inspects);
            assertThat(docker.inspectContainerCmd(made.getFirst().ref().id()).exec().getImageId()).isEqualTo(plainId);
            assertThat(first).isEmptyDirectory();

            // behind Raptor's back: the same reference now names an image that carries a server's files
            filesImage = imageWithServerFiles();
            docker.tagImageCmd(filesImage, REPOSITORY, "1").exec();

            // the tag's event makes the next check ask the engine again
            await().atMost(PATIENCE).until(() -> {
                long before = proxy.requests("GET", "/images/");
                viaProxy.hasImage(REFERENCE, soon());
                return proxy.requests("GET", "/images/") > before;
            });
            long afterCheck = proxy.requests("GET", "/images/");
            Path second = Files.createDirectories(dir.resolve("second"));
            made.add(viaProxy.create(spec().image(REFERENCE).build(), second, Deadline.in(PATIENCE)));
            assertThat(docker.inspectContainerCmd(made.getLast().ref().id()).exec().getImageId()).as("the new image")
                    .isEqualTo(filesImage);
            assertThat(second.resolve("marker")).as("seeded: the new image's labels were used").hasContent("from the new image");
            assertThat(proxy.requests("GET", "/images/")).as("the create took the labels the check found")
                    .isEqualTo(afterCheck);
        } finally {
            for (ContainerInfo c : made) {
                runtime.remove(c.ref(), soon());
            }
            removeImageQuietly(REFERENCE);
            if (filesImage != null) {
                removeImageQuietly(filesImage);
            }
        }
    }

    /** An image of the test image whose {@code /home/container} holds a marker file, labelled as carrying server files. */
    private String imageWithServerFiles() throws InterruptedException {
        String maker = docker.createContainerCmd(TestEngine.IMAGE).withLabels(Map.of(TestEngine.TEST_LABEL, testToken))
                .withEntrypoint("/bin/sh", "-c", "mkdir -p /home/container && echo from the new image > /home/container/marker")
                .withUser("0").exec().getId();
        docker.startContainerCmd(maker).exec();
        docker.waitContainerCmd(maker).start().awaitStatusCode(1, TimeUnit.MINUTES);
        String id = docker.commitCmd(maker).withLabels(Map.of(ServerFilesInImages.FILES_LABEL, "true")).exec();
        docker.removeContainerCmd(maker).exec();
        return id;
    }

    private static void removeImageQuietly(String image) {
        try {
            docker.removeImageCmd(image).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already gone
        }
    }
}
