package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.DaemonErrors;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import dev.raptor.wire.client.OperationsClient;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.operation.OperationDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code start|stop|restart|kill SERVER...}: one power action per server, in order. Each prints the
 * server as given once the daemon reports the action done (or, with {@code --no-wait}, accepted).
 * A failure on one server is reported and the others still get theirs; the exit code is the first failure's.
 */
public abstract sealed class PowerCommand implements Callable<Integer>
        permits PowerCommand.Start, PowerCommand.Stop, PowerCommand.Restart, PowerCommand.Kill {

    private static final java.time.Duration OPERATION_DEADLINE = java.time.Duration.ofMinutes(15);

    @ParentCommand
    RaptorCtl root;

    @Option(names = "--no-wait", description = "Return once the daemon has accepted the action, without waiting for its outcome.")
    boolean noWait;

    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Server ids, id prefixes or names.")
    List<String> servers;

    abstract String action();

    @Override
    public Integer call() {
        Cli cli = root.cli();
        return forEach(cli, servers, ref -> perform(cli, ref, action(), !noWait));
    }

    /** Runs {@code work} for each server; prints each one as given on success, the error otherwise. */
    static int forEach(Cli cli, List<String> refs, java.util.function.Consumer<ServerRef> work) {
        int exit = ExitCode.OK;
        for (String given : refs) {
            try {
                try {
                    work.accept(cli.resolver().resolve(given));
                } catch (RaptorException e) {
                    throw DaemonErrors.of(e);
                }
                cli.out().println(given);
                cli.out().flush();
            } catch (CliException e) {
                if (e.exitCode() == ExitCode.UNREACHABLE || refs.size() == 1) {
                    throw e;
                }
                cli.err().println(cli.terminal().red().apply("Error:") + " " + given + ": " + e.getMessage());
                cli.err().flush();
                exit = exit == ExitCode.OK ? e.exitCode() : exit;
            }
        }
        return exit;
    }

    /** Asks for the action; a waited answer that reports a failed or superseded outcome is an error. */
    static OperationDocument perform(Cli cli, ServerRef ref, String action, boolean wait) {
        ServerClient server = cli.client().server(ref.id());
        return outcome(cli, ref, action, wait ? server.power(action, null) : server.powerNoWait(action), wait);
    }

    /**
     * Checks the operation a power request or delete answered with: done is success; failed and
     * superseded are errors naming the reason. A waited operation still pending (the daemon's wait ran
     * out, 202) is followed until it finishes.
     */
    static OperationDocument outcome(Cli cli, ServerRef ref, String action, OperationDocument op, boolean wait) {
        if (!wait) {
            return op;
        }
        OperationDocument done = cli.client().operations().await(op, OPERATION_DEADLINE);
        String status = done.status() == null ? "" : done.status();
        if (status.equals(OperationsClient.PENDING)) {
            throw new CliException(ExitCode.FAILURE, action + " of " + ref.label() + " is still pending after "
                    + OPERATION_DEADLINE.toMinutes() + " minutes (operation " + done.id() + ")");
        }
        if (status.equals("failed") || status.equals("superseded")) {
            String reason = done.reason() == null ? "" : done.reason();
            throw new CliException(status.equals("failed") ? ExitCode.FAILURE : ExitCode.CONFLICT,
                    action + " of " + ref.label() + " " + status + (reason.isEmpty() ? "" : ": " + reason));
        }
        return done;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start servers (waits until they run).")
    public static final class Start extends PowerCommand {
        @Override
        String action() {
            return "start";
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop servers with their stop policy (killed after its timeout).")
    public static final class Stop extends PowerCommand {
        @Override
        String action() {
            return "stop";
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stop, then start servers.")
    public static final class Restart extends PowerCommand {
        @Override
        String action() {
            return "restart";
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Kill servers at once (pre-empts any running action).")
    public static final class Kill extends PowerCommand {
        @Override
        String action() {
            return "kill";
        }
    }
}
