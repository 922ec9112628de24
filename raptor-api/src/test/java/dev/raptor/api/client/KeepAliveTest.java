package dev.raptor.api.client;

import dev.raptor.api.http.ConnectorSelectors;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.Relay;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.ServerQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who closes an idle keep-alive connection between {@link RaptorClient} and the daemon. If both kept it equally
 * long (they did: 30 s each), the daemon's close raced the client's next request on it, and a {@code PATCH
 * ?apply=now} sent into the closing socket failed (5 of 100 in a storm run). The client must let go first.
 * Observed on real sockets through a relay that notes which side ended the connection.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KeepAliveTest {

    @Test
    void theClientClosesAnIdlePooledConnectionBeforeTheDaemonsKeepAliveEnds(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir);
             Relay relay = Relay.tcp(node.api.port());
             RaptorClient client = RaptorClient.overHttp(URI.create("http://127.0.0.1:" + relay.port()), node.apiKey)) {
            client.servers().listJson(ServerQuery.all());
            // generous: both sides' idle timeouts have long passed by then; nothing is asserted on the time taken
            await().atMost(ConnectorSelectors.IDLE_TIMEOUT.plus(Duration.ofSeconds(30)))
                    .until(() -> relay.firstEnd().isPresent());
            assertThat(relay.firstEnd()).as("the side that ended the idle connection").hasValue(Relay.End.closedBy(Relay.Side.CLIENT));
        }
    }
}
