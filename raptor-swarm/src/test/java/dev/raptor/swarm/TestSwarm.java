package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.HostPortsForTests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real two-node swarm the tests run against: {@code scripts/swarm.sh start} (idempotent) brings it up, two
 * private engines in network namespaces of their own, and {@code scripts/swarm.sh env} says where it is. A swarm that
 * cannot be brought up fails the tests loudly; nothing is skipped.
 */
public final class TestSwarm {
    public static final String NODE_1 = "raptor-sw1";
    public static final String NODE_2 = "raptor-sw2";

    private static volatile Map<String, String> env;

    private TestSwarm() {
    }

    /** The swarm's settings (RAPTOR_SWARM_MANAGER, RAPTOR_SWARM_NODES, RAPTOR_SWARM_NODE_IPS), starting it if needed. */
    public static synchronized Map<String, String> require() {
        if (env == null) {
            run("start");
            Map<String, String> vars = new LinkedHashMap<>();
            for (String line : run("env").split("\n")) {
                if (line.startsWith("export ") && line.contains("=")) {
                    String assignment = line.substring("export ".length());
                    int eq = assignment.indexOf('=');
                    vars.put(assignment.substring(0, eq), assignment.substring(eq + 1));
                }
            }
            env = Map.copyOf(vars);
        }
        return env;
    }

    /** The registry the swarm's nodes pull from ({@code host:port}, RAPTOR_SWARM_REGISTRY). */
    public static String registry() {
        return require().get("RAPTOR_SWARM_REGISTRY");
    }

    /** The test game server's image, as the nodes pull it from the swarm's registry. */
    public static String image() {
        return registry() + "/raptor-test/gameserver:1";
    }

    /** A runtime on the test swarm, seeing only what carries the Raptor node label {@code node}. */
    public static SwarmRuntime runtime(String node) {
        Map<String, String> e = require();
        return SwarmRuntime.connect(new SwarmRuntimeConfig(java.net.URI.create(e.get("RAPTOR_SWARM_MANAGER")),
                SwarmRuntimeConfig.parseNodes(e.get("RAPTOR_SWARM_NODES")), node, Map.of(), registry() + "/raptor-test/helper:1"));
    }

    /**
     * Removes every service carrying the Raptor node label {@code node}, straight through the manager's engine: the end
     * of a test whose daemon made servers, run whether the test passed or not (and whether that daemon still answers),
     * so that a failed test leaves no service behind to take memory and ports from later tests' placement.
     *
     * @throws IllegalStateException naming the services that could not be removed
     */
    public static void removeServices(String node) {
        java.util.List<String> failed = new java.util.ArrayList<>();
        try (SwarmRuntime runtime = runtime(node)) {
            for (dev.raptor.core.runtime.ContainerInfo c : runtime.listOwned(dev.raptor.core.runtime.Deadline.in(Duration.ofSeconds(60)))) {
                try {
                    runtime.remove(c.ref(), dev.raptor.core.runtime.Deadline.in(Duration.ofSeconds(60)));
                } catch (dev.raptor.core.runtime.EngineException.NotFound gone) {
                    // removed meanwhile
                } catch (RuntimeException e) {
                    failed.add(c.ref() + ": " + e.getMessage());
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("services of node label " + node + " left on the test swarm: " + failed);
        }
    }

    /** The engine address of node {@code hostname} ({@code unix:///...}). */
    public static String engineOf(String hostname) {
        return SwarmRuntimeConfig.parseNodes(require().get("RAPTOR_SWARM_NODES")).get(hostname).toString();
    }

    /**
     * Runs the docker CLI against node {@code hostname}'s engine; answers its exit code and output (stdout and stderr).
     * {@code stdin}, when not null, is fed to it.
     */
    public static Cli docker(String hostname, java.io.File stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", engineOf(hostname)));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (stdin != null) {
                pb.redirectInput(stdin);
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("docker " + String.join(" ", args) + " on " + hostname + " did not finish within 3 minutes");
            }
            return new Cli(p.exitValue(), out);
        } catch (IOException e) {
            return fail("cannot run the docker CLI: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    /** Like {@link #docker(String, java.io.File, String...)}, failing loudly unless it exits 0. */
    public static String dockerOk(String hostname, String... args) {
        Cli r = docker(hostname, null, args);
        if (r.exit() != 0) {
            fail("docker " + String.join(" ", args) + " on " + hostname + " failed (exit " + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    /** What a docker CLI run answered. */
    public record Cli(int exit, String output) {
    }

    /** The address of a node on the host's bridge, where its servers' ports are published. */
    public static String addressOf(String hostname) {
        for (String pair : require().get("RAPTOR_SWARM_NODE_IPS").split(",")) {
            if (pair.startsWith(hostname + "=")) {
                return pair.substring(hostname.length() + 1);
            }
        }
        throw new IllegalArgumentException("no address for node " + hostname);
    }

    /**
     * A port to publish a test server on. Swarm publishes it on the nodes, whose kernels draw the local ports of their
     * own outgoing connections from the ephemeral range (32768 and up): a port picked at random up to 40000 could be
     * held by one of those and the publish refused. This one is below that range and never handed out twice in this
     * JVM ({@link HostPortsForTests}).
     */
    public static int freePort() {
        return HostPortsForTests.free();
    }

    /**
     * The test game server {@code name} pinned to {@code node} by the spec's {@code node}: it greets each connection to
     * {@code port} with a line naming itself, is ready at "Done!", and stops at its console command {@code stop}.
     */
    public static ServerSpec server(String name, int port, String node) {
        return ServerSpec.builder(image())
                .name(name)
                .env("SERVER_NAME", name)
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP))
                .node(node)
                .build();
    }

    /** Waits (at most {@code hang}) until the server at {@code node}'s {@code port} greets with a line naming {@code name}. */
    public static void awaitGreeting(String node, int port, String name, Duration hang) {
        String address = addressOf(node);
        await().atMost(hang).ignoreExceptions().untilAsserted(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 2000);
                s.setSoTimeout(5000);
                assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine())
                        .contains(name);
            }
        });
    }

    /**
     * Runs {@code scripts/swarm.sh} with {@code args} ({@code stop-node 2}, {@code start-node 2}), failing loudly when it
     * fails.
     */
    public static String script(String... args) {
        require();
        return run(args);
    }

    private static String run(String... args) {
        // tests run in their module's directory, one below the repository's root
        Path script = Path.of("..", "scripts", "swarm.sh").toAbsolutePath().normalize();
        if (!Files.isExecutable(script)) {
            fail(script + " is missing: raptor-swarm's tests bring up their swarm with it");
        }
        try {
            Path out = Files.createTempFile("raptor-swarm-", ".out");
            try {
                List<String> command = new ArrayList<>(List.of(script.toString()));
                command.addAll(List.of(args));
                String verb = String.join(" ", args);
                Process p = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    fail("scripts/swarm.sh " + verb + " did not finish within 5 minutes");
                }
                if (p.exitValue() != 0) {
                    fail("scripts/swarm.sh " + verb + " failed (exit " + p.exitValue() + "); its messages are above. "
                            + "It needs root, ip netns and dockerd (docker.io).");
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return fail("cannot run scripts/swarm.sh " + String.join(" ", args) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running scripts/swarm.sh " + String.join(" ", args), e);
        }
    }
}
