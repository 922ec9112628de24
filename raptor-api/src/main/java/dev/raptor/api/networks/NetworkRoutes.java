package dev.raptor.api.networks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Responses;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.network.NodeNetworks;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.network.NetworkCreateRequest;
import dev.raptor.wire.network.NetworkDocument;
import dev.raptor.wire.network.NetworkList;
import io.javalin.http.Context;

import java.util.Map;
import java.util.Set;

/** The node's networks: {@code GET|POST /networks}, {@code DELETE /networks/{name}} (409 while in use). */
public final class NetworkRoutes {
    public static final String PATH = "/api/v1/networks/";

    private final NodeNetworks networks;
    private final ApiSettings settings;

    public NetworkRoutes(NodeNetworks networks, ApiSettings settings) {
        this.networks = networks;
        this.settings = settings;
    }

    public void list(Context ctx) {
        Responses.json(ctx, 200, new NetworkList(networks.list().stream().map(l -> NetworkDocument.of(l.network(), l.usedBy())).toList()));
    }

    /** A {@link NetworkCreateRequest}; 201 with the network and its {@code Location}, 409 when the name is taken. */
    public void create(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String name = r.text("name");
        String subnet = r.text("subnet");
        Boolean internal = r.bool("internal");
        Map<String, String> labels = r.stringMap("labels");
        r.rejectUnknown(NetworkCreateRequest.FIELDS, Set.of());
        NetworkSpec spec = null;
        try {
            spec = new NetworkSpec(name, subnet, Boolean.TRUE.equals(internal), labels);
        } catch (InvalidSpecException e) {
            // its own rules too, so that one answer names everything; not again where the JSON was wrong
            for (FieldError f : e.errors()) {
                if (problems.list().stream().noneMatch(x -> x.field().equals(f.field()))) {
                    problems.add(f.field(), f.message());
                }
            }
        }
        problems.throwIfAny();
        NodeNetworks.Listed made = networks.create(spec);
        ctx.header("Location", PATH + made.network().name());
        Responses.json(ctx, 201, NetworkDocument.of(made.network(), made.usedBy()));
    }

    public void remove(Context ctx) {
        networks.remove(ctx.pathParam("name"));
        ctx.status(204);
    }
}
