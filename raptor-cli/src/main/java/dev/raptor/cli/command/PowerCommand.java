package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.api.ServerResolver.ServerRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Locale;
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
                work.accept(cli.resolver().resolve(given));
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
    static JsonNode perform(Cli cli, ServerRef ref, String action, boolean wait) {
        return outcome(cli, ref, action, cli.api().power(ref.id(), action, wait), wait);
    }

    /**
     * Checks the operation a power request or delete answered with: done is success; failed and
     * superseded are errors naming the reason. A waited operation still pending (the daemon's wait ran
     * out, 202) is polled until it finishes.
     */
    static JsonNode outcome(Cli cli, ServerRef ref, String action, JsonNode op, boolean wait) {
        long deadline = System.nanoTime() + OPERATION_DEADLINE.toNanos();
        long pause = 100;
        while (wait && status(op).equals("pending") && op.path("id").isTextual()) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCode.FAILURE, action + " of " + ref.label() + " is still pending after "
                        + OPERATION_DEADLINE.toMinutes() + " minutes (operation " + op.get("id").asText() + ")");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILURE, "interrupted while waiting for " + action);
            }
            pause = Math.min(1000, pause * 2);
            op = cli.api().operation(op.get("id").asText());
        }
        String status = status(op);
        if (wait && (status.equals("failed") || status.equals("superseded"))) {
            String reason = firstText(op, "reason", "detail", "message", "error");
            throw new CliException(status.equals("failed") ? ExitCode.FAILURE : ExitCode.CONFLICT,
                    action + " of " + ref.label() + " " + status + (reason.isEmpty() ? "" : ": " + reason));
        }
        return op;
    }

    private static String status(JsonNode op) {
        return firstText(op, "status", "outcome", "result").toLowerCase(Locale.ROOT);
    }

    private static String firstText(JsonNode n, String... names) {
        for (String name : names) {
            if (n.path(name).isTextual()) {
                return n.get(name).asText();
            }
        }
        return "";
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
