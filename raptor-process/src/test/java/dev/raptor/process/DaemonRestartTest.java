package dev.raptor.process;

import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.ServerState;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon dies by SIGKILL while a server runs; the next daemon over the same directories adopts the server (same
 * process, never restarted) and its console keeps working both ways.
 */
class DaemonRestartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    private Process child;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Exception first = null;
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void aServerOutlivesTheDaemonsSigkillAndTheNextDaemonAdoptsItWithItsConsole() throws Exception {
        Path dir = TestHost.reachable(tmp);
        String[] running = startChildDaemon(dir);
        UUID id = UUID.fromString(running[0]);
        long pid = Long.parseLong(running[1]);

        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child daemon died").isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the server outlived its daemon").contains(true);

        SqliteStore store = SqliteStore.open(dir.resolve("state"));
        toClose.add(store);
        ProcessRuntime runtime = ProcessRuntime.open(ProcessRuntimeConfig.at(dir.resolve("process")));
        toClose.add(runtime);
        EventBus bus = new EventBus();
        toClose.add(bus);
        ServerFleet fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dir.resolve("volumes")));
        toClose.add(() -> {
            try {
                if (fleet.find(id).isPresent()) {
                    fleet.delete(id, true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                fleet.close();
            }
        });

        ServerFleet.ReconcileReport report = fleet.boot();

        assertThat(report.adopted()).isEqualTo(1);
        assertThat(report.started()).isZero();
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        ContainerInfo c = runtime.find(id, Deadline.inSeconds(10)).getFirst();
        assertThat(runtime.mainPid(c.ref())).as("the same process, not a restart").hasValue(pid);
        assertThat(supervisorsOf(dir.resolve("process").resolve(id.toString()))).as("exactly one supervisor for the server").isEqualTo(1);

        fleet.sendCommand(id, "say hi");

        ConsoleHub consoles = new ConsoleHub(runtime, ServerRuns.of(fleet), bus, ConsoleSettings.defaults());
        toClose.add(consoles);
        await().atMost(PATIENCE).until(() -> consoles.tail(id, 50).stream().map(LogLine::text).toList()
                .contains("[Server] hi"));
        assertThat(runtime.mainPid(c.ref())).hasValue(pid);
        assertThat(fleet.delete(id, true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /** Starts {@link RestartDaemonMain} and returns its {@code <server id> <main pid>} once the server runs. */
    private String[] startChildDaemon(Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RestartDaemonMain.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> marker = new CompletableFuture<>();
        List<String> output = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.startsWith(RestartDaemonMain.MARKER)) {
                        marker.complete(line.substring(RestartDaemonMain.MARKER.length()));
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
            marker.complete(null);
        });
        String found = marker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        if (found == null) {
            synchronized (output) {
                throw new AssertionError("the child daemon ended without starting the server:\n" + String.join("\n", output));
            }
        }
        return found.split(" ");
    }

    /** Supervisors of this record: live session leaders running its supervisor script (their forks share the command line). */
    private static long supervisorsOf(Path record) throws IOException {
        String script = record.resolve("supervisor.sh").toString();
        long n = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    boolean leader = ProcStat.read(Long.parseLong(p.getFileName().toString()))
                            .filter(s -> s.live() && s.session() == s.pid()).isPresent();
                    if (cmdline.contains(script) && leader) {
                        n++;
                    }
                } catch (IOException e) {
                    // gone
                }
            }
        }
        return n;
    }
}
