package dev.raptor.api.agent;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.stats.DiskReading;
import dev.raptor.core.testing.ManualClock;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The disk usage of a server on a node with an agent is the agent's figure (its disk, the figure it enforces the quota
 * by), not this machine's figure of the server's directory here: asked of a real agent ({@link NodeAgentServer}) through
 * the manager's {@link NodeAgentProxy}, kept for the TTL so reads cost no call, and, once the agent is gone, the last
 * figure it gave with the time it was measured (never an error). The clock is the test's: the TTL passes when the test
 * says so.
 */
class AgentDiskUsageTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TestAgent fixture = new TestAgent(() -> tmp);

    @Test
    void aServerOnAWorkerReadsItsAgentsFigureCachedForTheTtlAndTheLastOneWithItsAgeWhenTheAgentIsGone() throws Exception {
        String key = ApiKey.generate();
        NodeAgentServer agent = fixture.agent(key);
        TestNode api = fixture.manager(agent.port(), key);
        NodeAgents agents = TestAgent.agentsAt("http://127.0.0.1:" + agent.port(), key, null);
        UUID id = UUID.fromString(api.create(TestAgent.onThisNode("worker-disk")));
        // on the agent's disk before the agent first measures it (a write through the API racing that first scan would
        // make the figure the tracker's estimate, not the size)
        Files.createDirectories(fixture.agentVolumes().resolve(id.toString()));
        Files.write(fixture.agentVolumes().resolve(id.toString()).resolve("world.dat"), new byte[300_000]);
        // this machine's own directory of the server holds something else: its figure must not be the one read
        ServerVolumes managerVolumes = new ServerVolumes(tmp.resolve("manager-volumes"), UsageSettings.defaults());
        fixture.closing(managerVolumes);
        Files.createDirectories(tmp.resolve("manager-volumes").resolve(id.toString()));
        Files.write(tmp.resolve("manager-volumes").resolve(id.toString()).resolve("stale.dat"), new byte[5_000]);
        await().atMost(TestNode.HANG).until(() -> managerVolumes.diskUsage().reading(id).bytes().isPresent());
        assertThat(managerVolumes.diskUsage().reading(id).bytes()).hasValue(5_000);

        NodeAgentProxy proxy = new NodeAgentProxy(api.fleet, agents, 0);
        fixture.closing(proxy);
        await().atMost(TestNode.HANG).until(() -> proxy.usage(id).orElseThrow().bytes().isPresent());
        DiskReading onTheAgent = proxy.usage(id).orElseThrow();
        assertThat(onTheAgent.bytes()).hasValue(300_000);

        AtomicInteger asked = new AtomicInteger();
        ManualClock clock = new ManualClock();
        AgentDiskUsage usage = new AgentDiskUsage(managerVolumes.diskUsage(), server -> {
            asked.incrementAndGet();
            return proxy.usage(server);
        }, Duration.ofSeconds(30), clock);
        fixture.closing(usage);

        assertThat(usage.reading(id).scanning()).as("before its node answered: being measured, not this machine's figure").isTrue();
        await().atMost(TestNode.HANG).untilAsserted(() -> assertThat(usage.reading(id).bytes()).hasValue(300_000));
        for (int i = 0; i < 100; i++) {
            assertThat(usage.reading(id).bytes()).hasValue(300_000);
        }
        assertThat(asked).as("one question within the TTL, however many reads").hasValue(1);

        agent.close(); // its node goes down
        clock.advance(Duration.ofSeconds(31));
        DiskReading last = usage.reading(id);
        await().atMost(TestNode.HANG).untilAsserted(() -> assertThat(asked).hasValue(2));
        DiskReading whileDown = usage.reading(id);
        assertThat(whileDown.bytes()).as("the last figure it gave").hasValue(300_000);
        assertThat(whileDown.measuredAt()).as("with when it was measured, so its age says how old").isEqualTo(last.measuredAt())
                .isEqualTo(onTheAgent.measuredAt());
        assertThat(usage.reading(id)).isEqualTo(whileDown);
        assertThat(asked).as("not asked again before the TTL passes").hasValue(2);
    }
}
