package dev.raptor.cli;

import dev.raptor.cli.api.SocketGet;
import dev.raptor.cli.output.Terminal;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** {@code raptorctl}'s entry point: runs one verb and exits with its {@link ExitCode}. */
public final class RaptorctlMain {
    private RaptorctlMain() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        // a plain ps asks the daemon first of all, on a thread of its own, while this one sets up its output (QuickPs)
        SocketGet.Pending asked = QuickPs.handles(args) ? QuickPs.askFirst(env) : null;
        int code = run(args, env, System.in, System.out, System.err, Terminal.detect(), asked);
        if (QuickPs.handles(args) || QuickPsTraining.handles(args)) {
            // System.exit logs the exit to System.Logger "java.lang.Runtime" (JDK 17+), whose first use looks for a
            // logging backend with a ServiceLoader over the class path: raptorctl.jar opened and its 3,600 entries
            // indexed, interpreted, for a line nobody reads (a fifth of a quick ps once nothing else opens the jar).
            // A plain ps (quick or through its fallback client) registers no shutdown hook, so halting once the output
            // is flushed ends it as exit would. The ps cache's training ends the same way: an AOT cache holds every class its
            // training loaded and a JVM loads them all at each start, so an exit logged there put the logger's ~30 classes
            // into every ps for nothing.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** Runs raptorctl in this process (tests use it too); returns the exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream in, OutputStream out, OutputStream err,
                          Terminal terminal) {
        return run(args, env, in, out, err, terminal, null);
    }

    /** The same, with a plain ps's list already asked for ({@link QuickPs#askFirst}; null: not asked yet). */
    static int run(String[] args, Map<String, String> env, InputStream in, OutputStream out, OutputStream err, Terminal terminal,
                   SocketGet.Pending asked) {
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter stderr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            if (QuickPsTraining.handles(args)) {
                return QuickPsTraining.run(stderr); // bin/raptorctl's cache for ps, before picocli is loaded
            }
            if (QuickPs.handles(args)) {
                return QuickPs.run(args, env, in, out, stdout, stderr, terminal, asked);
            }
            CommandLine cl = commandLine(args, env, in, out, terminal);
            cl.setOut(stdout);
            cl.setErr(stderr);
            return cl.execute(args);
        } finally {
            stdout.flush();
            stderr.flush();
        }
    }

    static CommandLine commandLine(String[] args, Map<String, String> env, InputStream in, OutputStream out, Terminal terminal) {
        RaptorCtl root = new RaptorCtl(env, in, out, terminal, Clock.systemUTC());
        CommandLine cl = new CommandLine(root);
        Verbs.register(cl, args);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(terminal.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setParameterExceptionHandler(RaptorctlMain::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, commandLine, terminal, env));
        return cl;
    }

    /** Bad arguments: the reason and where help is, like docker; exit 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("Error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int failure(Exception e, CommandLine cl, Terminal terminal, Map<String, String> env) {
        if (e instanceof CommandLine.ParameterException p) {
            return usageError(p, new String[0]);
        }
        return Failure.report(e, cl.getErr(), terminal, env);
    }
}
