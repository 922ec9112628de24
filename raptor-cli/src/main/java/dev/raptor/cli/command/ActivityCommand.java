package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.activity.ActivityPage;
import dev.raptor.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        ActivityPage answer = cli.server(server).activity(limit);
        if (json) {
            cli.printJson(answer);
            return 0;
        }
        Instant now = cli.clock().instant();
        Table t = new Table("WHEN", "TYPE", "MESSAGE");
        for (ActivityEntryDocument e : answer.entries()) {
            String message = e.message() == null ? "" : e.message();
            List<String> details = new ArrayList<>();
            if (e.details() != null) {
                e.details().forEach((k, v) -> details.add(k + "=" + v));
            }
            if (!details.isEmpty()) {
                message = message + " (" + String.join(", ", details) + ")";
            }
            t.row(Human.ago(e.at(), now), e.type() == null ? "" : e.type(), message);
        }
        cli.out().print(t.render());
        cli.out().flush();
        return 0;
    }
}
