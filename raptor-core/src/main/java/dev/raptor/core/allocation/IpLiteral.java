package dev.raptor.core.allocation;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IP literals as allocations use them: parsed without DNS, compared by address, wildcard-aware. */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** Whether {@code text} is an IPv4 or IPv6 literal (no host names: they would need DNS). */
    public static boolean isValid(String text) {
        return parse(text) != null;
    }

    /** The address, or null when {@code text} is not a literal. Never touches DNS. */
    public static InetAddress parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code 0.0.0.0} or {@code ::}: binds every address of its family (and, for ::, often both). */
    public static boolean isWildcard(String text) {
        InetAddress a = parse(text);
        return a != null && a.isAnyLocalAddress();
    }

    /**
     * Whether two binds on the same port and protocol would collide: equal addresses, or either one
     * a wildcard of the same family. {@code ::} is treated as overlapping everything, as Linux
     * dual-stack sockets do by default.
     */
    public static boolean overlaps(String a, String b) {
        InetAddress x = parse(a);
        InetAddress y = parse(b);
        if (x == null || y == null) {
            return false;
        }
        if (x.equals(y)) {
            return true;
        }
        boolean x6 = x instanceof Inet6Address;
        boolean y6 = y instanceof Inet6Address;
        if (x.isAnyLocalAddress() && (x6 || !y6)) {
            return true;
        }
        return y.isAnyLocalAddress() && (y6 || !x6);
    }
}
