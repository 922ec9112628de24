package dev.raptor.api.http;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser pages may use the API: the panel origins the operator lists ({@code allowedOrigins}), and pages the
 * daemon itself serves (same origin). One policy for both ways a browser comes in:
 *
 * <ul>
 *   <li>HTTP ({@link #before}): a CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an
 *       allowed origin is answered 204 with the methods and headers the API takes; from any other origin 403. A
 *       request whose {@code Origin} is allowed gets {@code Access-Control-Allow-Origin}; one whose {@code Origin} is
 *       not is refused 403 before anything runs (a page elsewhere must not even trigger a "simple" request).</li>
 *   <li>The console WebSocket ({@link #checkUpgrade}): browsers send {@code Origin} with every upgrade and WebSockets
 *       have no preflight, so the upgrade itself is refused 403 from an origin not allowed.</li>
 * </ul>
 *
 * A request without {@code Origin} is not a browser's cross-origin request (browsers always send it on those), so
 * it is served as before: {@code raptorctl}, {@code curl} and panels calling from their servers are unaffected, and
 * their credentials are what protects the API. The API uses bearer credentials, never cookies, so no
 * {@code Access-Control-Allow-Credentials} is ever sent.
 */
public final class CorsPolicy {
    public static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    public static final String ALLOW_HEADERS = "Authorization, Content-Type, Accept, If-Match, If-None-Match";
    public static final String EXPOSE_HEADERS = "Location, ETag, Retry-After, WWW-Authenticate, Content-Disposition";
    /** How long a browser may cache a preflight answer (seconds). */
    static final int MAX_AGE = 600;

    private final Set<String> origins;

    private CorsPolicy(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /**
     * A policy allowing {@code origins} ({@code https://panel.example.com}, {@code http://localhost:3000}...).
     *
     * @throws IllegalArgumentException naming the first origin that is not one
     */
    public static CorsPolicy allowing(List<String> origins) {
        Set<String> set = new LinkedHashSet<>();
        for (String o : origins) {
            set.add(normalize(o));
        }
        return new CorsPolicy(set);
    }

    /** Only same-origin pages. */
    public static CorsPolicy sameOriginOnly() {
        return new CorsPolicy(Set.of());
    }

    public List<String> origins() {
        return new ArrayList<>(origins);
    }

    /**
     * {@code text} as a browser serializes an origin: {@code scheme://host[:port]}, lower case, the default port
     * left out, no path.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String normalize(String text) {
        String t = text == null ? "" : text.strip();
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not an origin such as https://panel.example.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an origin such as https://panel.example.com (http or https, and a host)");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' is an origin with more than scheme://host[:port]: leave out the path (even '/')");
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Whether a page of {@code origin} may call the API reached at {@code ctx}'s address. */
    public boolean allows(String origin, Context ctx) {
        String o;
        try {
            o = normalize(origin);
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed pages, file://) and garbage
        }
        return origins.contains(o) || o.equals(ownOrigin(ctx));
    }

    /** The origin of the daemon as this request reached it (its scheme and {@code Host}): pages it serves itself. */
    private static String ownOrigin(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || host.isBlank()) {
            return null;
        }
        try {
            return normalize((ctx.req().isSecure() ? "https" : "http") + "://" + host.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Javalin {@code before} handler for every TCP request (see the class comment). */
    public void before(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || Transport.of(ctx) == Transport.UNIX) {
            return;
        }
        boolean preflight = ctx.method().name().equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null;
        ctx.res().addHeader("Vary", "Origin"); // beside Accept-Encoding's, not over it
        if (!allows(origin, ctx)) {
            throw refused(origin);
        }
        ctx.header("Access-Control-Allow-Origin", origin.strip());
        if (preflight) {
            ctx.header("Access-Control-Allow-Methods", ALLOW_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
            ctx.header("Access-Control-Max-Age", Integer.toString(MAX_AGE));
            ctx.status(204);
            ctx.skipRemainingHandlers();
        } else {
            ctx.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
    }

    /**
     * Refuses a WebSocket upgrade from a page of an origin not allowed (403); an upgrade without {@code Origin} (not a
     * browser) passes.
     */
    public void checkUpgrade(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && Transport.of(ctx) == Transport.TCP && !allows(origin, ctx)) {
            throw refused(origin);
        }
    }

    private static ProblemException refused(String origin) {
        return new ProblemException(Problem.of(403, "origin-not-allowed", "Origin not allowed",
                "pages of " + abbreviate(origin) + " may not use this API: add the origin to allowedOrigins (RAPTOR_ALLOWED_ORIGINS)"));
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
