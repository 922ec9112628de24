package dev.raptor.api.agent;

import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The agent tests' fixture, on one machine: a node agent ({@link NodeAgentServer} on loopback, its volumes in
 * {@code <dir>/agent-volumes}) and a daemon on the in-memory engine ({@link TestNode}, in {@code <dir>/manager}) whose one
 * node (this machine) keeps its servers' files with that agent. What it opens is closed after each test, newest first.
 * Registered with {@code @RegisterExtension}, given the test's {@code @TempDir} (read when first used).
 */
final class TestAgent implements AfterEachCallback {
    private final Supplier<Path> dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    TestAgent(Supplier<Path> dir) {
        this.dir = dir;
    }

    /** An agent that accepts {@code key}, on plain HTTP. */
    NodeAgentServer agent(String key) {
        return agent(key, UnaryOperator.identity());
    }

    /** An agent that accepts {@code key}, with its settings changed by {@code tweak} (TLS, the wrong-key limit). */
    NodeAgentServer agent(String key, UnaryOperator<ApiSettings> tweak) {
        ServerVolumes volumes = closing(new ServerVolumes(agentVolumes(), UsageSettings.defaults()));
        return closing(NodeAgentServer.create(volumes, ApiKey.of(key, "test"),
                tweak.apply(ApiSettings.defaults("127.0.0.1", 0, null, "test"))).start());
    }

    /** A daemon whose one node keeps its servers' files with the agent on {@code port} (plain HTTP). */
    TestNode manager(int port, String key) {
        return manager("http://127.0.0.1:" + port, key, null);
    }

    /** A daemon whose one node keeps its servers' files with the agent on {@code port} (plain HTTP), that setting changed by {@code tweak}. */
    TestNode manager(int port, String key, UnaryOperator<NodeAgents> tweak) {
        return manager(tweak.apply(agentsAt("http://127.0.0.1:" + port, key, null)));
    }

    /** A daemon whose one node keeps its servers' files with the agent at {@code address}, trusting {@code ca} (null: none). */
    TestNode manager(String address, String key, Path ca) {
        return manager(agentsAt(address, key, ca));
    }

    private TestNode manager(NodeAgents agents) {
        return closing(TestNode.onFakeEngine(managerDir(), s -> s.withFiles(s.files().withAgents(agents))));
    }

    /** The agents setting of a manager whose one node (this machine) has the agent at {@code address}. */
    static NodeAgents agentsAt(String address, String key, Path ca) {
        return new NodeAgents(Map.of(LocalMachine.hostname(), URI.create(address)), key, ca);
    }

    /** A spec of a server pinned to this machine's node, as JSON. */
    static String onThisNode(String name) {
        return """
                {"name": "%s", "image": "raptor-test/gameserver:1", "node": "%s"}""".formatted(name, LocalMachine.hostname());
    }

    /** Where the agent keeps its servers' files. */
    Path agentVolumes() {
        return dir.get().resolve("agent-volumes");
    }

    /** The manager's data directory. */
    Path managerDir() {
        return dir.get().resolve("manager");
    }

    /** Closes {@code c} after the test, before what was opened earlier. */
    <T extends AutoCloseable> T closing(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (AutoCloseable c : open.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
