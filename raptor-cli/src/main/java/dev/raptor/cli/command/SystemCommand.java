package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.output.Human;
import dev.raptor.wire.node.NodeSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code raptorctl system info}: the node, its runtime and engine, server counts and resources. */
@Command(name = "system", mixinStandardHelpOptions = true, description = "Node-wide information.",
        subcommands = SystemCommand.Info.class)
public final class SystemCommand extends VerbGroup {

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
            NodeSystem info = cli.client().system();
            if (json) {
                cli.printJson(info);
                return 0;
            }
            cli.out().println("Daemon:  " + cli.client().endpoint().describe());
            print(cli.out(), info);
            cli.out().flush();
            return 0;
        }

        /** Sections like {@code docker info}: the daemon, its engine, the servers, the machine; sizes made human. */
        static void print(PrintWriter out, NodeSystem s) {
            line(out, "", "Version", s.version());
            line(out, "", "Started at", s.startedAt());
            line(out, "", "Runtime", s.runtime());
            NodeSystem.Engine e = s.engine();
            if (e != null) {
                out.println("Engine:");
                line(out, "  ", "Reachable", e.reachable());
                // the process runtime has no engine of its own: what it reports as the version is the kernel's
                boolean processes = "process".equals(s.runtime());
                line(out, "  ", processes ? "Kernel" : "Version", e.version());
                line(out, "  ", "API version", e.apiVersion());
                line(out, "  ", "Error", e.error());
                if (e.details() != null) {
                    out.println("  Details:" + (e.details().isEmpty() ? " (none)" : ""));
                    for (Map.Entry<String, String> d : e.details().entrySet()) {
                        if (!(processes && d.getKey().equals("kernel") && Objects.equals(d.getValue(), e.version()))) {
                            line(out, "    ", title(d.getKey()), d.getValue());
                        }
                    }
                }
                if (e.warnings() != null) {
                    list(out, "  ", "Warnings", e.warnings());
                }
            }
            NodeSystem.ServerCounts c = s.servers();
            if (c != null) {
                out.println("Servers:");
                line(out, "  ", "Total", c.total());
                line(out, "  ", "Running", c.running());
                line(out, "  ", "Starting", c.starting());
                line(out, "  ", "Stopping", c.stopping());
                line(out, "  ", "Offline", c.offline());
            }
            NodeSystem.Node n = s.node();
            if (n != null) {
                out.println("Node:");
                line(out, "  ", "Hostname", n.hostname());
                line(out, "  ", "OS", n.os());
                line(out, "  ", "CPUs", n.cpus());
                line(out, "  ", "Load average", n.loadAverage());
                line(out, "  ", "CPU load", n.cpuLoad() == null ? null : Human.percent(100 * n.cpuLoad()));
                line(out, "  ", "Memory total", bytes(n.memoryTotalBytes()));
                line(out, "  ", "Memory free", bytes(n.memoryFreeBytes()));
                line(out, "  ", "Data dir", n.dataDir());
                line(out, "  ", "Disk total", bytes(n.diskTotalBytes()));
                line(out, "  ", "Disk free", bytes(n.diskFreeBytes()));
                line(out, "  ", "Disk error", n.diskError());
                line(out, "  ", "Java version", n.javaVersion());
            }
        }

        /** {@code label: value}; a missing value is no line at all. */
        private static void line(PrintWriter out, String indent, String label, Object value) {
            if (value != null) {
                out.println(indent + label + ": " + value);
            }
        }

        private static void list(PrintWriter out, String indent, String label, List<String> items) {
            out.println(indent + label + ":" + (items.isEmpty() ? " (none)" : ""));
            items.forEach(i -> out.println(indent + "  - " + i));
        }

        private static String bytes(Long b) {
            return b == null ? null : Human.bytes(b);
        }

        /** {@code storageDriver} → {@code Storage driver}. */
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
