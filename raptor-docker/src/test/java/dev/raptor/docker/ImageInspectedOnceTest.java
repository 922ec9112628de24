package dev.raptor.docker;

import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.EngineProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start asks whether its image is present and then creates the container, whose seed needs the image's labels: the
 * engine is asked about the image once for both, counted at a proxy in front of the real engine.
 */
class ImageInspectedOnceTest extends EngineTest {

    @Test
    void aStartsImageCheckAndItsCreateInspectTheImageOnce(@TempDir Path dir) throws Exception {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("proxy.sock"), TestEngine.dockerHost());
             DockerRuntime viaProxy = DockerRuntime.connect(proxy.dockerHost())) {
            ServerSpec spec = spec().build();
            assertThat(viaProxy.inspectImage(spec.image(), soon())).isPresent();
            viaProxy.create(spec, dataDir, Deadline.in(PATIENCE));
            assertThat(proxy.requests("GET", "/images/")).as("image inspects of the check and the create").isEqualTo(1);
            assertThat(proxy.requests("POST", "/containers/create")).isEqualTo(1);

            // what the check said serves one create: the next one, without a check of its own, asks again
            viaProxy.create(spec().build(), Files.createDirectories(dir.resolve("second")), Deadline.in(PATIENCE));
            assertThat(proxy.requests("GET", "/images/")).as("a create without a check just before").isEqualTo(2);
        }
    }
}
