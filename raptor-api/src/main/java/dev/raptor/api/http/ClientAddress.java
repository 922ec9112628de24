package dev.raptor.api.http;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who a TCP request comes from, for the failed-authentication limit and the logs: the peer's address, unless the
 * peer is a reverse proxy the operator trusts ({@code trustedProxies}), in which case the address that proxy was
 * reached from, read from {@code X-Forwarded-For} right to left, skipping further trusted proxies. A header from a
 * peer that is not trusted is ignored (anyone can send it), so without trusted proxies the header never counts.
 */
public final class ClientAddress {
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<AddressRange> trustedProxies;
    /**
     * The last peer's address text and its normal form: a panel polls from one address, and parsing it again for every
     * request (a pattern match, a parse, a new text) was garbage on the polled list's path.
     */
    private volatile Normalized last = new Normalized("", "");

    private record Normalized(String address, String normal) {
    }

    public ClientAddress(List<AddressRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** No proxy is trusted: the peer is the client. */
    public static ClientAddress direct() {
        return new ClientAddress(List.of());
    }

    public List<AddressRange> trustedProxies() {
        return trustedProxies;
    }

    /** The client of {@code ctx}. */
    public String of(Context ctx) {
        return of(ctx.req().getRemoteAddr(), ctx.header(FORWARDED_FOR));
    }

    /**
     * The client behind {@code peer}.
     *
     * @param forwardedFor the {@code X-Forwarded-For} header, or null
     */
    public String of(String peer, String forwardedFor) {
        if (trustedProxies.isEmpty() || forwardedFor == null || !trusted(peer)) {
            if (peer == null) {
                return normalize(null);
            }
            Normalized n = last;
            if (!n.address().equals(peer)) {
                n = new Normalized(peer, normalize(peer));
                last = n;
            }
            return n.normal();
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            Optional<InetAddress> ip = AddressRange.literal(hop);
            if (ip.isEmpty()) {
                break; // garbage in the header: stop at the last address a trusted proxy vouched for
            }
            client = ip.get().getHostAddress();
            if (!trusted(client)) {
                break;
            }
        }
        return normalize(client);
    }

    private boolean trusted(String address) {
        Optional<InetAddress> ip = AddressRange.literal(address == null ? "" : address);
        return ip.isPresent() && trustedProxies.stream().anyMatch(r -> r.contains(ip.get()));
    }

    private static String normalize(String address) {
        if (address == null) {
            return "unknown";
        }
        return AddressRange.literal(address).map(InetAddress::getHostAddress).orElse(address);
    }
}
