package dev.raptor.docker;

import com.github.dockerjava.transport.DockerHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * docker-java's transport with two additions: every request joins the {@link CallContext} of the call or
 * stream it serves (so a deadline or a {@code close()} can abandon it, even before the engine answered), and
 * requests that hijack the connection (attach with stdin) run on a {@link HijackedConnection} that
 * half-closes when the input ends.
 */
final class EngineHttpClient implements DockerHttpClient {
    private final DockerHttpClient delegate;
    private final URI dockerHost;
    private final EngineTls tls;

    EngineHttpClient(DockerHttpClient delegate, URI dockerHost, EngineTls tls) {
        this.delegate = delegate;
        this.dockerHost = dockerHost;
        this.tls = tls;
    }

    @Override
    public Response execute(Request request) {
        try {
            CallContext context = CallContext.current();
            if (context != null) {
                context.enter();
            }
            if (request.hijackedInput() != null) {
                return HijackedConnection.open(dockerHost, tls, request);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return delegate.execute(request);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
