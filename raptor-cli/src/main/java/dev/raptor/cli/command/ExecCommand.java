package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.RawTerminal;
import dev.raptor.wire.client.ExecWebSocket;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.exec.ExecSocketMessage;
import dev.raptor.wire.problem.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl exec [-i] [-t] SERVER COMMAND...}: a command inside a running server, like {@code docker exec}.
 * Without {@code -i}/{@code -t} it runs bounded ({@code POST /servers/{id}/exec}) and prints its output; with them it
 * is a session on the exec WebSocket: standard input goes to the command, {@code -t} gives it a terminal (the local
 * one in raw mode, its size sent at once and on every SIGWINCH). Either way raptorctl exits with the command's code.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command inside a running server and exit with its exit code.",
                "Without -i/-t the command runs bounded (--timeout) and its output is printed when it ends;",
                "-it gives it your terminal (raw mode, resized with your window): raptorctl exec -it lobby sh"})
public final class ExecCommand implements Callable<Integer> {
    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-i", "--interactive"}, description = "Pass standard input to the command.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the command a terminal (stdout and stderr become one stream).")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "A variable for the command (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Absolute directory to run in (default the server's).")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "name, uid or uid:gid (default the server's user).")
    String user;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Without -i/-t: kill the command after this long (default 30, at most 3600).")
    Integer timeout;

    @Option(names = "--json", description = "Without -i/-t: print the daemon's answer (exit code, output) as JSON.")
    boolean json;

    @Parameters(index = "0", paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Cli cli = root.cli();
        Map<String, String> environment = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--env '" + e + "' is not KEY=VALUE");
            }
            environment.put(e.substring(0, eq), e.substring(eq + 1));
        }
        Map<String, String> envOrNull = environment.isEmpty() ? null : environment;
        if (!interactive && !tty) {
            ExecResultDocument r = cli.server(server).exec(new ExecRequestDocument(command, envOrNull, workdir, user, null,
                    timeout == null ? null : BigDecimal.valueOf(timeout), null));
            if (json) {
                cli.printJson(r);
            } else {
                cli.out().print(r.stdout());
                cli.out().flush();
                cli.err().print(r.stderr());
                if (r.stdoutTruncated() || r.stderrTruncated()) {
                    cli.err().println("raptorctl: output cut at the daemon's limit (maxOutputBytes)");
                }
                if (r.timedOut()) {
                    cli.err().println("raptorctl: the command ran past its timeout and was killed");
                }
                cli.err().flush();
            }
            return r.exitCode() == null ? ExitCode.FAILURE : r.exitCode();
        }
        if (json) {
            throw CliException.usage("--json is for a bounded exec (without -i/-t)");
        }
        return interactive(cli, new ExecRequestDocument(command, envOrNull, workdir, user, tty, null, null));
    }

    private int interactive(Cli cli, ExecRequestDocument request) throws IOException, InterruptedException {
        // the command's bytes go out as they come, unconverted: a terminal program's escape sequences included
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        boolean localTerminal = tty && interactive && cli.terminal().interactive();
        RawTerminal.Size size = tty ? RawTerminal.size() : null;
        ExecWebSocket.Listener listener = new ExecWebSocket.Listener() {
            @Override
            public void onOutput(byte stream, ByteBuffer bytes) {
                OutputStream to = stream == ExecSocketMessage.STDERR ? stderr : stdout;
                try {
                    to.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                    to.flush();
                } catch (IOException e) {
                    // our own output went away; the session ends when the command does
                } catch (UnsupportedOperationException noArray) {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    try {
                        to.write(copy);
                        to.flush();
                    } catch (IOException e) {
                        // as above
                    }
                }
            }

            @Override
            public void onError(Problem problem) {
                cli.err().println("raptorctl: " + (problem.detail() == null ? problem.title() : problem.detail()));
                cli.err().flush();
            }
        };
        ExecWebSocket session = cli.server(server).execInteractive(request, size == null ? null : size.columns(),
                size == null ? null : size.rows(), listener);
        RawTerminal raw = localTerminal ? RawTerminal.enter() : null;
        try {
            if (tty) {
                Signal.handle(new Signal("WINCH"), signal -> {
                    RawTerminal.Size now = RawTerminal.size();
                    if (now != null && session.isOpen()) {
                        session.resize(now.columns(), now.rows());
                    }
                });
            }
            if (interactive) {
                pumpInput(cli.in(), session);
            }
            Integer code = session.exit().join();
            return code == null ? ExitCode.FAILURE : code;
        } finally {
            if (raw != null) {
                raw.close();
            }
            session.close();
        }
    }

    /** Standard input to the command until it ends (then end of file), on a thread of its own: a read blocks. */
    private static void pumpInput(InputStream in, ExecWebSocket session) {
        Thread.ofPlatform().daemon().name("raptorctl-exec-input").start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        session.write(buffer, 0, n);
                    }
                }
                session.endInput();
            } catch (IOException | RuntimeException e) {
                // the session ended (or our input did): the exit code still comes, or the socket's end
            }
        });
    }
}
