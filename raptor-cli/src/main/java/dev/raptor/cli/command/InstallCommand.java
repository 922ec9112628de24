package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.wire.template.InstallRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl install|reinstall SERVER} and {@code install-log SERVER}: runs the server's install script (from
 * its template, or {@code --script FILE}), following the operation; a failed install is an error naming the reason
 * (its log stays readable with {@code install-log}).
 */
public abstract sealed class InstallCommand implements Callable<Integer>
        permits InstallCommand.Install, InstallCommand.Reinstall, InstallCommand.Log {

    @ParentCommand
    RaptorCtl root;

    @Parameters(paramLabel = "SERVER", description = "A server id, id prefix or name.")
    String server;

    /** Runs the install, follows it, and prints the server as given. */
    static int run(RaptorCtl root, String server, boolean reinstall, Path script, String entrypoint, String image, boolean noWait) {
        Cli cli = root.cli();
        ServerRef ref = cli.resolver().resolve(server);
        InstallRequest request = null;
        if (script != null) {
            try {
                request = new InstallRequest(Files.readString(script), entrypoint, image, null, null);
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + script + ": " + e.getMessage(), e);
            }
        } else if (entrypoint != null || image != null) {
            throw CliException.usage("--entrypoint and --image go with --script");
        }
        var op = cli.client().server(ref.id()).installNoWait(reinstall, request);
        if (!noWait) {
            BackupCommand.follow(cli, op, (reinstall ? "reinstall" : "install") + " of " + ref.label()
                    + " (raptorctl install-log " + server + " shows its output)");
        }
        cli.out().println(server);
        cli.out().flush();
        return ExitCode.OK;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Run SERVER's install script (its template's, or --script FILE, which is kept for later installs).",
                    "The server shows installing meanwhile and is left stopped: offline, or install-failed until an install succeeds."})
    public static final class Install extends InstallCommand {
        @Option(names = "--script", paramLabel = "FILE", description = "A script of your own.")
        Path script;

        @Option(names = "--entrypoint", paramLabel = "SHELL", description = "With --script: the shell that runs it (Docker).")
        String entrypoint;

        @Option(names = "--image", paramLabel = "IMAGE", description = "With --script: the install image (Docker).")
        String image;

        @Option(names = "--no-wait", description = "Return once the daemon has accepted the install.")
        boolean noWait;

        @Override
        public Integer call() {
            return run(root, server, false, script, entrypoint, image, noWait);
        }
    }

    @Command(name = "reinstall", mixinStandardHelpOptions = true,
            description = "Stop SERVER and run its install script again (deletes nothing by itself).")
    public static final class Reinstall extends InstallCommand {
        @Option(names = "--no-wait", description = "Return once the daemon has accepted the reinstall.")
        boolean noWait;

        @Override
        public Integer call() {
            return run(root, server, true, null, null, null, noWait);
        }
    }

    @Command(name = "install-log", mixinStandardHelpOptions = true, description = "Print the output of SERVER's last install (also after a failure).")
    public static final class Log extends InstallCommand {
        @Override
        public Integer call() {
            Cli cli = root.cli();
            ServerRef ref = cli.resolver().resolve(server);
            cli.out().print(cli.client().server(ref.id()).installLog());
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
