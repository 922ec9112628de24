package dev.raptor.process;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in daemon for {@link DaemonRestartTest}, run in a child JVM: opens a store, a process runtime and a fleet
 * over {@code <dir>}, creates and starts the test game server, prints {@code RUNNING <server id> <main pid>} once it
 * runs, and then waits to be SIGKILLed.
 */
public final class RestartDaemonMain {
    static final String MARKER = "RUNNING ";

    private RestartDaemonMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SqliteStore store = SqliteStore.open(dir.resolve("state"));
        ProcessRuntime runtime = ProcessRuntime.open(ProcessRuntimeConfig.at(dir.resolve("process")));
        ServerFleet fleet = new ServerFleet(store, runtime, new EventBus(), ControllerSettings.defaults(dir.resolve("volumes")));
        fleet.boot();
        UUID id = fleet.create(TestHost.gameServer().name("survivor").build()).id();
        PowerResult started = fleet.power(id, PowerAction.START).get(90, TimeUnit.SECONDS);
        if (!(started instanceof PowerResult.Done)) {
            System.out.println("FAILED " + started);
            System.exit(1);
        }
        ContainerInfo c = runtime.find(id, Deadline.inSeconds(10)).getFirst();
        System.out.println(MARKER + id + " " + runtime.mainPid(c.ref()).orElseThrow());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // deliberate: a daemon that runs until the test SIGKILLs it
    }
}
