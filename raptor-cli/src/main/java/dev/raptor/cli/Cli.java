package dev.raptor.cli;

import dev.raptor.cli.api.RaptorApi;
import dev.raptor.cli.api.ServerResolver;
import dev.raptor.cli.output.Terminal;

import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What every verb works with: the daemon's API, server-name resolution, the terminal and the
 * process's streams. Built once per invocation by {@link RaptorCtl}; nothing connects until a verb
 * makes a request.
 */
public record Cli(RaptorApi api, ServerResolver resolver, Terminal terminal, PrintWriter out, PrintWriter err,
                  InputStream in, Map<String, String> env, Clock clock) {
}
