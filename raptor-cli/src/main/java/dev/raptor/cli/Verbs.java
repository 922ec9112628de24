package dev.raptor.cli;

import dev.raptor.cli.command.ActivityCommand;
import dev.raptor.cli.command.AotTrainingCommand;
import dev.raptor.cli.command.AttachCommand;
import dev.raptor.cli.command.BackupCommand;
import dev.raptor.cli.command.CommitCommand;
import dev.raptor.cli.command.InstallCommand;
import dev.raptor.cli.command.TemplateCommand;
import dev.raptor.cli.command.UpdatesCommand;
import dev.raptor.cli.command.CompletionCommand;
import dev.raptor.cli.command.ExecCommand;
import dev.raptor.cli.command.ImageCommand;
import dev.raptor.cli.command.NetworkCommand;
import dev.raptor.cli.command.CreateCommand;
import dev.raptor.cli.command.FilesCommand;
import dev.raptor.cli.command.InspectCommand;
import dev.raptor.cli.command.LogsCommand;
import dev.raptor.cli.command.PowerCommand;
import dev.raptor.cli.command.PsCommand;
import dev.raptor.cli.command.RmCommand;
import dev.raptor.cli.command.RunCommand;
import dev.raptor.cli.command.StateCommand;
import dev.raptor.cli.command.StatsCommand;
import dev.raptor.cli.command.TopCommand;
import dev.raptor.cli.command.NodesCommand;
import dev.raptor.cli.command.TransferCommand;
import dev.raptor.cli.command.SystemCommand;
import dev.raptor.cli.command.SftpUserCommand;
import dev.raptor.cli.command.TokenCommand;
import dev.raptor.cli.command.UpdateCommand;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * raptorctl's verbs, in help order. Picocli builds a verb's model by reflection when it is
 * registered, which costs more than a short command's actual work; so an invocation registers only
 * the verb it names, and every verb only for help, completion or an unknown name.
 */
final class Verbs {
    private static final Map<String, Supplier<Object>> ALL = new LinkedHashMap<>();
    /** Aliases, so that {@code raptorctl ls} finds {@code ps}. */
    private static final Map<String, String> ALIASES = Map.of("ls", "ps");
    /** Root options that take a value, to skip while looking for the verb. */
    private static final Set<String> VALUED_ROOT_OPTIONS = Set.of("--socket", "-H", "--host", "--api-key");

    static {
        ALL.put("ps", PsCommand::new);
        ALL.put("create", CreateCommand::new);
        ALL.put("run", RunCommand::new);
        ALL.put("start", PowerCommand.Start::new);
        ALL.put("stop", PowerCommand.Stop::new);
        ALL.put("restart", PowerCommand.Restart::new);
        ALL.put("kill", PowerCommand.Kill::new);
        ALL.put("rm", RmCommand::new);
        ALL.put("inspect", InspectCommand::new);
        ALL.put("update", UpdateCommand::new);
        ALL.put("logs", LogsCommand::new);
        ALL.put("stats", StatsCommand::new);
        ALL.put("top", TopCommand::new);
        ALL.put("attach", AttachCommand::new);
        ALL.put("exec", ExecCommand::new);
        ALL.put("images", ImageCommand.Images::new);
        ALL.put("pull", ImageCommand.PullVerb::new);
        ALL.put("rmi", ImageCommand.Rmi::new);
        ALL.put("image", ImageCommand::new);
        ALL.put("commit", CommitCommand::new);
        ALL.put("network", NetworkCommand::new);
        ALL.put("activity", ActivityCommand::new);
        ALL.put("token", TokenCommand::new);
        ALL.put("sftp-user", SftpUserCommand::new);
        ALL.put("files", FilesCommand::new);
        ALL.put("system", SystemCommand::new);
        ALL.put("nodes", NodesCommand::new);
        ALL.put("transfer", TransferCommand::new);
        ALL.put("state", StateCommand::new);
        ALL.put("backup", BackupCommand::new);
        ALL.put("template", TemplateCommand::new);
        ALL.put("install", InstallCommand.Install::new);
        ALL.put("reinstall", InstallCommand.Reinstall::new);
        ALL.put("install-log", InstallCommand.Log::new);
        ALL.put("updates", UpdatesCommand::new);
        ALL.put("completion", CompletionCommand::new);
        ALL.put("__aot-training", AotTrainingCommand::new);
    }

    private Verbs() {
    }

    /** Registers the verb {@code args} names on {@code root}, or all of them when it names none or an unknown one. */
    static void register(CommandLine root, String[] args) {
        String verb = verb(args);
        String name = verb == null ? null : ALIASES.getOrDefault(verb, verb);
        if (name != null && ALL.containsKey(name) && !name.equals("completion")) {
            root.addSubcommand(ALL.get(name).get());
        } else {
            ALL.values().forEach(factory -> root.addSubcommand(factory.get()));
        }
        // like docker: everything after the IMAGE of run/create (the SERVER of exec) is the command, dashes included
        for (String imageVerb : List.of("run", "create", "exec")) {
            CommandLine sub = root.getSubcommands().get(imageVerb);
            if (sub != null) {
                sub.setStopAtPositional(true);
            }
        }
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** The first argument that is neither a root option nor its value. */
    static String verb(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED_ROOT_OPTIONS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            } else if (a.equals("--")) {
                return i + 1 < args.length ? args[i + 1] : null;
            }
        }
        return null;
    }
}
