package dev.raptor.api.files;

import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The only name resolution a pull's HTTP client does: the host is resolved once, every address is checked, and the
 * client connects to exactly the checked addresses. There is no second lookup for a DNS server to answer
 * differently (the rebinding attack: a name that resolves to a public address when checked and to 127.0.0.1 when
 * connected to). Redirects come through here too, so a redirect to a private address is refused the same way.
 */
final class CheckedResolver implements SocketAddressResolver {
    /** Looks a name up (the system's resolver; tests give their own). */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    /** A target refused because of where it resolves. */
    static final class RefusedTarget extends java.io.IOException {
        RefusedTarget(String message) {
            super(message);
        }
    }

    private final Lookup lookup;
    private final boolean allowPrivate;

    CheckedResolver(Lookup lookup, boolean allowPrivate) {
        this.lookup = lookup;
        this.allowPrivate = allowPrivate;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            promise.succeeded(check(host, port));
        } catch (Exception e) {
            promise.failed(e);
        }
    }

    /** The addresses to connect to: all public (or private ones allowed), each checked, looked up once. */
    List<InetSocketAddress> check(String host, int port) throws java.io.IOException {
        InetAddress[] all;
        try {
            all = lookup.all(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("the host " + host + " does not resolve");
        }
        List<InetSocketAddress> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            if (!allowPrivate && !PublicAddresses.isPublic(a)) {
                throw new RefusedTarget(host + " resolves to " + a.getHostAddress() + ", which is not a public address;"
                        + " pulls from loopback, private and link-local addresses are refused on this node (setting pullAllowPrivate)");
            }
            out.add(new InetSocketAddress(a, port));
        }
        if (out.isEmpty()) {
            throw new UnknownHostException("the host " + host + " has no address");
        }
        return out;
    }
}
