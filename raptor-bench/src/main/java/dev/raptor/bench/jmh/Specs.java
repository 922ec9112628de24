package dev.raptor.bench.jmh;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.server.ServerSpec;

import java.time.Duration;

/** A spec shaped like a real Minecraft server's: a few ports, variables, labels, limits and policies. */
final class Specs {
    private Specs() {
    }

    static ServerSpec typical() {
        return ServerSpec.builder("ghcr.io/pterodactyl/yolks:java_21")
                .name("survival-eu-1")
                .startup("java -Xms128M -Xmx4096M -jar server.jar nogui")
                .env("SERVER_JARFILE", "server.jar")
                .env("MINECRAFT_VERSION", "1.21.4")
                .env("BUILD_NUMBER", "latest")
                .env("MOTD", "Welcome to survival")
                .allocation(new Allocation("0.0.0.0", 25565, 25565, Protocol.TCP, true))
                .allocation(new Allocation("0.0.0.0", 25566, 25566, Protocol.UDP, false))
                .allocation(new Allocation("0.0.0.0", 25575, 25575, Protocol.TCP, false))
                .tier(Tier.SMALL)
                .stopCommand("stop", Duration.ofSeconds(30))
                .restartPolicy(RestartPolicy.onFailure(5))
                .label("team", "blue")
                .label("plan", "premium")
                .readyPattern("Done \\(")
                .build();
    }
}
