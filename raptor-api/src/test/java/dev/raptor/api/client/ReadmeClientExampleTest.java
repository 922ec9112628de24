package dev.raptor.api.client;

import dev.raptor.api.client.readme.Lobby;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.server.ServerDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's Java client example is {@link Lobby}, word for word (so it compiles), and it does what
 * the README says against a real API.
 */
class ReadmeClientExampleTest {

    @Test
    void theReadmeShowsTheExampleThatCompiles() throws IOException {
        Path repo = Path.of(System.getenv().getOrDefault("RAPTOR_TEST_REPO_ROOT", ".."));
        String readme = Files.readString(repo.resolve("README.md"));
        String source = Files.readString(repo.resolve("raptor-api/src/test/java/dev/raptor/api/client/readme/Lobby.java"));
        String example = source.substring(source.indexOf("import "));
        assertThat(readme).as("README.md shows Lobby.java (from its imports on)").contains(example);
    }

    @Test
    void theExampleCreatesStartsAndTalksToItsServer(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir);
             RaptorClient raptor = RaptorClient.overHttp(URI.create("http://127.0.0.1:" + node.api.port()), node.apiKey)) {
            ServerDocument lobby = Lobby.run(raptor);
            assertThat(raptor.server(lobby.spec().id()).get().state()).isEqualTo("running");
            await().atMost(Duration.ofSeconds(30)).until(() -> raptor.server(lobby.spec().id()).logs(5).lines().stream()
                    .map(LogLineDocument::text).anyMatch("[Server] hello"::equals));
        }
    }
}
