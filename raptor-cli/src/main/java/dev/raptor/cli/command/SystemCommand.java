package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code raptorctl system info}: the node, its runtime and engine, server counts and resources. */
@Command(name = "system", mixinStandardHelpOptions = true, description = "Node-wide information.",
        subcommands = SystemCommand.Info.class)
public final class SystemCommand implements Runnable {

    @ParentCommand
    RaptorCtl root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: info");
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show the daemon's version, runtime, engine, server counts and node resources.")
    public static final class Info implements Callable<Integer> {
        @ParentCommand
        SystemCommand parent;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.root.cli();
            JsonNode info = cli.api().system();
            if (json) {
                cli.out().println(Json.pretty(info));
            } else {
                cli.out().println("Daemon:  " + cli.api().transport().describe());
                print(cli, "", info);
            }
            cli.out().flush();
            return 0;
        }

        /** Nested objects as indented sections, sizes in bytes made human, like {@code docker info}. */
        private static void print(Cli cli, String indent, JsonNode node) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                String label = title(e.getKey());
                if (v.isObject()) {
                    cli.out().println(indent + label + ":");
                    print(cli, indent + "  ", v);
                } else if (v.isArray()) {
                    cli.out().println(indent + label + ":" + (v.isEmpty() ? " (none)" : ""));
                    for (JsonNode item : v) {
                        cli.out().println(indent + "  - " + (item.isValueNode() ? item.asText() : item.toString()));
                    }
                } else {
                    String text = v.isNull() ? "-" : v.asText();
                    String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
                    if (v.isIntegralNumber() && key.endsWith("bytes") && key.length() > 5) {
                        text = dev.raptor.cli.output.Human.bytes(v.asLong());
                        label = title(e.getKey().substring(0, e.getKey().length() - 5));
                    } else if (v.isIntegralNumber() && key.endsWith("mib") && key.length() > 3) {
                        text = dev.raptor.cli.output.Human.mebibytes(v.asLong());
                        label = title(e.getKey().substring(0, e.getKey().length() - 3));
                    }
                    cli.out().println(indent + label + ": " + text);
                }
            }
        }

        /** {@code engineVersion} → {@code Engine version}. */
        static String title(String key) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (i == 0) {
                    sb.append(Character.toUpperCase(c));
                } else if (Character.isUpperCase(c) && !Character.isUpperCase(key.charAt(i - 1))) {
                    sb.append(' ').append(Character.toLowerCase(c));
                } else if (c == '_') {
                    sb.append(' ');
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}
