package dev.raptor.api.client.readme;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerDocument;

import java.net.URI;
import java.time.Duration;

public class Lobby {
    public static void main(String[] args) {
        // or RaptorClient.overUnixSocket(Path.of("/var/lib/raptor-daemon/raptor.sock")), which needs no key
        try (RaptorClient raptor = RaptorClient.overHttp(URI.create("http://127.0.0.1:8080"), System.getenv("RAPTOR_API_KEY"))) {
            run(raptor);
        } catch (RaptorProblemException e) {
            System.err.println(e.status() + " " + e.problem().detail());   // the daemon's RFC 9457 problem
        }
    }

    public static ServerDocument run(RaptorClient raptor) {
        ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1")
                .name("lobby")
                .allocation(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .readyPattern("Done!")
                .build();                                                   // a bad spec throws here, naming the field
        ServerDocument lobby = raptor.servers().create(spec);
        OperationDocument started = raptor.server(lobby.spec().id()).start();  // waits for the outcome
        System.out.println(started.status() + ", " + started.state());        // done, running
        raptor.server(lobby.spec().id()).command("say hello");
        return lobby;
    }
}
