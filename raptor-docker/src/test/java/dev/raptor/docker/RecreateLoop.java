package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link CrashDuringRecreateTest}: a daemon's worth of fleet that recreates its
 * servers in a loop (and creates, starts and deletes a temporary one each round) until it is SIGKILLed.
 * Arguments: state dir, volumes dir, docker host, node label, server ids.
 */
public final class RecreateLoop {
    private RecreateLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path volumes = Path.of(args[1]);
        DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(args[2]).withNode(args[3]));
        List<UUID> ids = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            ids.add(UUID.fromString(args[i]));
        }
        SqliteStore store = SqliteStore.open(state);
        ServerFleet fleet = new ServerFleet(store, runtime, new EventBus(), ControllerSettings.defaults(volumes));
        fleet.boot();
        System.out.println("booted");
        for (int round = 1; ; round++) {
            for (UUID id : ids) {
                StoredServer s = store.find(id).orElseThrow();
                fleet.update(id, s.version(), s.spec().toBuilder().env("ROUND", Integer.toString(round)).build());
                System.out.println("recreating " + id + " " + round);
                System.out.flush();
                fleet.applySpec(id).get(120, TimeUnit.SECONDS);
                System.out.println("recreated " + id + " " + round);
            }
            UUID temp = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("temp-" + round).readyPattern("Done!").build()).id();
            System.out.println("temp " + temp);
            fleet.power(temp, PowerAction.START).get(120, TimeUnit.SECONDS);
            fleet.delete(temp, true).get(120, TimeUnit.SECONDS);
        }
    }
}
