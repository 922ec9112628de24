package dev.raptor.api.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

import java.net.UnixDomainSocketAddress;

/** How a request reached the daemon: over TCP, or over the Unix socket (trusted like root). */
public enum Transport {
    TCP, UNIX;

    /** Asks Jetty which socket the request's connection was accepted on; anything unknown counts as TCP. */
    public static Transport of(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null && request.getConnectionMetaData().getLocalSocketAddress() instanceof UnixDomainSocketAddress) {
            return UNIX;
        }
        return TCP;
    }
}
