package dev.raptor.core.server;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;

import java.time.Duration;
import java.util.UUID;

/** Specs the tests of several modules share (the store, the wire). */
public final class Specs {
    private Specs() {
    }

    /** A small, valid Minecraft server. */
    public static ServerSpec minecraft(String name) {
        return ServerSpec.builder("ghcr.io/pterodactyl/yolks:java_21")
                .name(name)
                .startup("java -Xmx1G -jar server.jar nogui")
                .env("EULA", "TRUE")
                .allocation(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))
                .limits(Limits.tier(Tier.SMALL))
                .stopCommand("stop", Duration.ofSeconds(30))
                .build();
    }

    /** A spec that sets every field to something other than its default. */
    public static ServerSpec everyField() {
        return ServerSpec.builder("ghcr.io/pterodactyl/yolks:java_21")
                .id(UUID.fromString("3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21"))
                .name("Survival SMP")
                .startup("java -Xms128M -Xmx4096M -jar server.jar nogui")
                .env("EULA", "TRUE")
                .env("MOTD", "Welcome, \"friend\"")
                .allocation(new Allocation("0.0.0.0", 25565, 25565, Protocol.TCP, true))
                .allocation(new Allocation("0.0.0.0", 25575, 25575, Protocol.TCP, false))
                .allocation(new Allocation("::", 19132, 19133, Protocol.UDP, false))
                .limits(new Limits(4096, 512, 250, "0-1,3", 20480, 750, 512, false))
                .stopPolicy(StopPolicy.rcon(25575, "hunter2", "stop", Duration.ofSeconds(45)))
                .restartPolicy(RestartPolicy.onFailure(5).withOnUnhealthy(true))
                .mount(Mount.readOnly("/srv/raptor/maps", "/maps"))
                .mount(Mount.readWrite("/srv/raptor/backups", "/backups"))
                .label("team", "eu")
                .label("plan", "gold")
                .extraHost("db.internal", "10.0.0.5")
                .healthCheck(new HealthCheck("mc-health --port 25565", Duration.ofSeconds(20), Duration.ofMillis(2500), 4,
                        Duration.ofSeconds(90)))
                .readyPattern("Done \\(")
                .settle(Duration.ofMillis(3500))
                .network("lobby-net", "survival")
                .network("db-net")
                .build();
    }
}
