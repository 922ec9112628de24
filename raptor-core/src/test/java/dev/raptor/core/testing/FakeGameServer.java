package dev.raptor.core.testing;

import java.time.Duration;

/**
 * The test game server of {@code scripts/test-image/gameserver.sh}, as a {@link FakeProgram}: the same
 * lines, commands, signals and environment, so that a test written for the real image reads the same on
 * a {@link FakeEngine}.
 *
 * <ul>
 *   <li>Boot: {@code [Boot] Starting raptor test server (NAME, port PORT)}, then after {@code BOOT_DELAY}
 *       seconds (fractions allowed) {@code [Server] Listening on *:PORT} and
 *       {@code Done! For help, type "help"}. Console input that arrives during the boot waits for it.</li>
 *   <li>Commands: {@code stop} (exit 0), {@code say TEXT}, {@code crash} (exit 1), {@code flood N},
 *       {@code echo-env NAME}, {@code help}; anything else is an unknown command.</li>
 *   <li>SIGTERM and SIGINT stop it at once, in any phase (exit 0); with {@code IGNORE_STOP=1} it ignores
 *       them and the stop command, so only a kill ends it. Other signals end it as they end a shell.</li>
 * </ul>
 */
public final class FakeGameServer implements FakeProgram {
    private boolean booted;
    private final java.util.ArrayDeque<String> early = new java.util.ArrayDeque<>();

    @Override
    public void started(Run run) {
        String port = run.env("SERVER_PORT", "25565");
        run.print("[Boot] Starting raptor test server (" + run.env("SERVER_NAME", "unnamed") + ", port " + port + ")");
        Duration delay = bootDelay(run.env("BOOT_DELAY", "0"));
        Runnable ready = () -> {
            run.print("[Server] Listening on *:" + port);
            run.print("Done! For help, type \"help\"");
            booted = true;
            while (!early.isEmpty() && run.alive()) {
                handle(run, early.pollFirst());
            }
        };
        if (delay.isZero()) {
            ready.run();
        } else {
            run.after(delay, ready);
        }
    }

    @Override
    public void input(Run run, String line) {
        if (booted) {
            handle(run, line);
        } else {
            early.addLast(line); // the script reads its console only once it has booted
        }
    }

    @Override
    public void signal(Run run, String signal) {
        if (!signal.equals("SIGTERM") && !signal.equals("SIGINT")) {
            FakeProgram.super.signal(run, signal);
        } else if (ignoresStop(run)) {
            run.print("[Server] " + signal + " ignored (IGNORE_STOP=1)");
        } else {
            run.print("Stopping server");
            run.exit(0);
        }
    }

    private static boolean ignoresStop(Run run) {
        return run.env("IGNORE_STOP", "0").equals("1");
    }

    private static Duration bootDelay(String seconds) {
        try {
            return Duration.ofNanos(Math.max(0, (long) (Double.parseDouble(seconds) * 1e9)));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    private static void handle(Run run, String raw) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        line = line.stripLeading();
        int space = line.indexOf(' ');
        String command = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? "" : line.substring(space + 1);
        switch (command) {
            case "" -> {
            }
            case "stop" -> {
                if (ignoresStop(run)) {
                    run.print("[Server] stop ignored (IGNORE_STOP=1)");
                } else {
                    run.print("Stopping server");
                    run.exit(0);
                }
            }
            case "say" -> run.print("[Server] " + arg);
            case "crash" -> {
                run.print("[Server] Crashing on request");
                run.exit(1);
            }
            case "flood" -> {
                if (!arg.matches("[0-9]+")) {
                    run.print("Usage: flood N");
                } else {
                    for (long i = 1, n = Long.parseLong(arg); i <= n; i++) {
                        run.print("line " + i);
                    }
                }
            }
            case "echo-env" -> {
                if (!arg.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    run.print("Usage: echo-env NAME");
                } else {
                    run.print(run.env(arg, ""));
                }
            }
            case "help" -> {
                run.print("Commands:");
                run.print("  stop          stop the server (exit 0)");
                run.print("  say TEXT      print [Server] TEXT");
                run.print("  crash         exit 1");
                run.print("  flood N       print line 1 .. line N");
                run.print("  echo-env NAME print the value of an environment variable");
                run.print("  help          this list");
            }
            default -> run.print("Unknown command. Type \"help\" for help.");
        }
    }
}
