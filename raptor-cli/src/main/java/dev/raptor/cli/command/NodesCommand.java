package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
import dev.raptor.wire.node.NodeList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code raptorctl nodes}: the machines the servers run on, as a table or JSON. */
@Command(name = "nodes", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"List the machines servers run on: one on the docker and process runtimes, every node on swarm.",
                "STATE is ready, down (its servers read node-unavailable until it is back) or unavailable (takes no servers);",
                "MEM FREE is the memory not promised to its servers' memory limits. A node that was down when servers",
                "were deleted still holds their files: listed under the table until it answers and they are removed."})
public final class NodesCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--json", description = "Print the daemon's answer as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        NodeList nodes = cli.client().nodes();
        if (json) {
            cli.printJson(nodes);
            return 0;
        }
        Table t = new Table("NODE", "STATE", "ADDRESS", "CPUS", "MEMORY", "MEM FREE", "PORTS", "SERVERS");
        for (NodeList.Node n : nodes.nodes()) {
            t.row(n.name(), n.state() + (n.reason() == null ? "" : " (" + n.reason() + ")"), n.address(),
                    Integer.toString(n.cpus()), Human.bytes(n.memoryBytes()), Human.bytes(n.memoryFreeBytes()),
                    n.ports().stream().map(p -> p.port() + "/" + p.protocol()).collect(Collectors.joining(",")),
                    n.servers().stream().map(s -> s.name() + " (" + s.state() + ")").collect(Collectors.joining(", ")));
        }
        cli.out().print(t.render());
        if (!nodes.unplaced().isEmpty()) {
            cli.out().println("Not placed yet: " + nodes.unplaced().stream().map(NodeList.Server::name).collect(Collectors.joining(", ")));
        }
        String pending = nodes.nodes().stream().filter(n -> n.pendingRemovals() > 0)
                .map(n -> n.name() + " (" + n.pendingRemovals() + ")").collect(Collectors.joining(", "));
        if (!pending.isEmpty()) {
            cli.out().println("Files of deleted servers still to remove: " + pending);
        }
        cli.out().flush();
        return 0;
    }
}
