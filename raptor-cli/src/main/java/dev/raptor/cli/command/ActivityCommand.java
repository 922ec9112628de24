package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code raptorctl activity SERVER}: what happened to a server (power actions, state changes, crashes). */
@Command(name = "activity", mixinStandardHelpOptions = true, description = "Show a server's activity log.")
public final class ActivityCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N entries.")
    Integer limit;

    @Option(names = "--json", description = "Print the daemon's answer as JSON.")
    boolean json;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        String id = cli.resolver().resolve(server).id();
        JsonNode answer = cli.api().activity(id, limit);
        if (json) {
            cli.out().println(Json.pretty(answer));
            cli.out().flush();
            return 0;
        }
        Instant now = cli.clock().instant();
        Table t = new Table("WHEN", "TYPE", "MESSAGE");
        for (JsonNode e : entries(answer)) {
            String at = Json.text(e, null, "at");
            if (at == null) {
                at = Json.text(e, null, "timestamp");
            }
            String message = Json.text(e, "", "message");
            List<String> details = new ArrayList<>();
            for (Map.Entry<String, JsonNode> d : e.path("details").properties()) {
                details.add(d.getKey() + "=" + d.getValue().asText());
            }
            if (!details.isEmpty()) {
                message = message + " (" + String.join(", ", details) + ")";
            }
            t.row(Human.ago(at, now), Json.text(e, "", "type"), message);
        }
        cli.out().print(t.render());
        cli.out().flush();
        return 0;
    }

    static List<JsonNode> entries(JsonNode answer) {
        JsonNode arr = answer.isArray() ? answer
                : answer.path("items").isArray() ? answer.get("items")
                : answer.path("entries").isArray() ? answer.get("entries")
                : answer.path("activity").isArray() ? answer.get("activity")
                : answer.path("data").isArray() ? answer.get("data") : Json.array();
        List<JsonNode> out = new ArrayList<>();
        arr.forEach(out::add);
        return out;
    }
}
