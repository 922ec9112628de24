package dev.raptor.cli;

import dev.raptor.cli.api.ServerResolver;
import dev.raptor.cli.output.JsonOutput;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.ServerClient;

import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What every verb works with: the daemon's API (a {@link RaptorClient}), server-name resolution, the
 * terminal and the process's streams. Built once per invocation by {@link RaptorCtl} when a verb first
 * needs it; nothing connects until a verb makes a request. A failed call throws one of the client's
 * {@code RaptorException}s, which {@link RaptorctlMain} reports with its exit code ({@code DaemonErrors}).
 */
public record Cli(RaptorClient client, ServerResolver resolver, Terminal terminal, PrintWriter out, PrintWriter err,
                  InputStream in, Map<String, String> env, Clock clock) {

    /** The server {@code ref} names (an id, a unique id prefix or a name), as the client's handle on it. */
    public ServerClient server(String ref) {
        return client.server(resolver.resolve(ref).id());
    }

    /** {@code document} (a wire record, a list of them) as indented JSON on standard output: {@code --json}, {@code inspect}. */
    public void printJson(Object document) {
        out.println(JsonOutput.pretty(document));
        out.flush();
    }
}
