package dev.raptor.api.web;

import dev.raptor.api.auth.Access;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.JavalinStaticResourceHandler;
import io.javalin.http.staticfiles.Location;

import java.util.Map;
import java.util.Set;

/**
 * The built-in web console: static files served at {@code /} of the API's address, straight from the jar
 * (no build step at run time), with xterm.js and uPlot from their WebJars at {@code /webjars/}. The page is a
 * client of the public API like any third-party panel: it holds the node key the operator typed in the tab's
 * session storage, calls {@code /api/v1} with it and opens the console WebSocket with a short-lived server token.
 * Every URL it uses is relative, so it works behind a reverse proxy that publishes it at a sub-path and strips
 * that prefix (README: Web console).
 *
 * <p>Static files are not routes of the API (its OpenAPI route walk never sees them); they are public, which the
 * authenticator reads from their {@link Access#PUBLIC} role.
 */
public final class WebConsole {
    /** Where the page's own files live on the classpath. */
    static final String FILES = "/dev/raptor/api/web";

    private WebConsole() {
    }

    /** Serves the console at {@code /} and the WebJars at {@code /webjars/}. */
    public static void install(JavalinConfig config) {
        // Javalin's own handler reads each file through the class loader's open jar. Jetty's (the default) mounts the
        // whole daemon jar as a zip file system, one per static-files root and lookup: measured, eight mounts of the
        // 33,000-entry jar held 80 MB of heap (jcmd GC.class_histogram: ZipFileSystem$IndexNode), a third of an
        // empty daemon's RSS.
        config.resourceHandler(new JavalinStaticResourceHandler());
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = FILES;
            files.location = Location.CLASSPATH;
            files.roles = Set.of(Access.PUBLIC); // the page holds no secret; the key is typed into it
            // the page and its script change with the daemon's version: always revalidate
            files.headers = Map.of("Cache-Control", "no-cache",
                    "Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
                            + " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer");
        });
        config.staticFiles.add(webjars -> {
            webjars.hostedPath = "/webjars";
            webjars.directory = "META-INF/resources/webjars";
            webjars.location = Location.CLASSPATH;
            webjars.roles = Set.of(Access.PUBLIC);
            webjars.headers = Map.of("Cache-Control", "max-age=31536000", "X-Content-Type-Options", "nosniff");
        });
    }
}
