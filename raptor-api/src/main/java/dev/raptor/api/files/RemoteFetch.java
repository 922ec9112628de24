package dev.raptor.api.files;

import dev.raptor.api.problem.ProblemException;
import dev.raptor.files.CancelledException;
import dev.raptor.files.FilesException;
import dev.raptor.files.Progress;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.WriteResult;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code pull}: downloads a URL into a server's files. The node's HTTP client resolves every host through a
 * {@link CheckedResolver} (once, then connects to the checked addresses), so loopback, private and link-local
 * targets are refused, redirects included, unless the node allows them; the size is checked against the node's
 * limit before (a declared length) and while (a stream) it is written; the write is the jail's atomic one, so a
 * cancelled or failed pull leaves nothing. Refusals are problems: 403 {@code pull-refused} (where it points),
 * 413 {@code too-large}, 502 {@code pull-failed} (the remote side).
 */
public final class RemoteFetch implements AutoCloseable {
    private static final int MAX_REDIRECTS = 5;

    private final FileSettings settings;
    private final CheckedResolver.Lookup lookup;
    private final String userAgent;
    private final java.util.concurrent.locks.ReentrantLock starting = new java.util.concurrent.locks.ReentrantLock();
    private volatile HttpClient client;

    /** A pull's parsed target. */
    public record Target(URI uri, String fileName) {
    }

    public RemoteFetch(FileSettings settings, String version) {
        this(settings, InetAddress::getAllByName, version);
    }

    RemoteFetch(FileSettings settings, CheckedResolver.Lookup lookup, String version) {
        this.settings = settings;
        this.lookup = lookup;
        this.userAgent = "Raptor/" + version;
    }

    /** Checks a URL (http or https, with a host); problems go to {@code r} under {@code url}. */
    public Target parse(String url, JsonObjectReader r) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            r.error("url", "is not a URL: " + e.getReason());
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            r.error("url", "must be an http or https URL (was '" + url + "')");
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            r.error("url", "names no host");
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            r.error("url", "must not carry a user name or password");
            return null;
        }
        return new Target(uri, fileName(uri));
    }

    /** The URL's last path segment, decoded, as a file name ({@code download} when it has none). */
    static String fileName(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        String name;
        try {
            name = URLDecoder.decode(last, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            name = last;
        }
        name = name.substring(name.lastIndexOf('/') + 1).replace("\0", "").strip();
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "download" : name;
    }

    /**
     * Downloads {@code target} into {@code dest} of {@code files}, on the caller's (an operation's platform) thread.
     *
     * @throws FilesException   a refusal of the jail (quota, path), or cancelled
     * @throws ProblemException refused by where the URL points, too large, or the remote side failed
     */
    public WriteResult fetch(Target target, ServerFiles files, String dest, Progress progress, FileOperations.Cancellation cancel)
            throws IOException {
        HttpClient http = client();
        Request request = http.newRequest(target.uri()).idleTimeout(settings.pullIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        cancel.onCancel(() -> request.abort(new CancelledException(dest, "the pull was cancelled")));
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(settings.pullIdleTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new CancelledException(dest, "the pull was cancelled");
        } catch (TimeoutException e) {
            request.abort(e);
            throw failed(target, "it did not answer within " + settings.pullIdleTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            throw failure(target, dest, progress, e.getCause());
        }
        if (response.getStatus() / 100 != 2) {
            request.abort(new IOException("status " + response.getStatus()));
            throw failed(target, "it answered " + response.getStatus() + " " + (response.getReason() == null ? "" : response.getReason()));
        }
        long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        long max = settings.pullMaxBytes();
        if (length > max) {
            request.abort(new IOException("too large"));
            throw tooLarge(target, length, max);
        }
        progress.totals(length, 1);
        try (InputStream in = new Capped(listener.getInputStream(), max, target)) {
            return files.write(dest, in, length, progress);
        } catch (FilesException | ProblemException e) {
            request.abort(e);
            throw e;
        } catch (IOException e) {
            throw failure(target, dest, progress, e);
        }
    }

    private static IOException failure(Target target, String dest, Progress progress, Throwable cause) {
        if (progress.isCancelled()) {
            return new CancelledException(dest, "the pull was cancelled");
        }
        Throwable t = cause;
        while (t != null) {
            if (t instanceof CheckedResolver.RefusedTarget refused) {
                throw new ProblemException(Problem.of(403, "pull-refused", "Download refused",
                        "pulling " + target.uri() + " is refused: " + refused.getMessage()));
            }
            if (t instanceof CancelledException c) {
                return c;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        throw failed(target, cause == null ? "it failed" : describe(cause));
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static ProblemException failed(Target target, String why) {
        return new ProblemException(Problem.of(502, "pull-failed", "Download failed", "could not download " + target.uri() + ": " + why));
    }

    private static ProblemException tooLarge(Target target, long size, long max) {
        return new ProblemException(Problem.of(413, "too-large", "Too large", target.uri() + " is "
                + (size < 0 ? "more than " + max : Long.toString(size)) + " bytes; pulls may fetch at most " + max + " bytes on this node")
                .withMaxBytes(max));
    }

    /** The response body, cut off at the node's limit. */
    private static final class Capped extends FilterInputStream {
        private final long max;
        private final Target target;
        private long read;

        Capped(InputStream in, long max, Target target) {
            super(in);
            this.max = max;
            this.target = target;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (read += n) > max) {
                throw tooLarge(target, -1, max);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0 && ++read > max) {
                throw tooLarge(target, -1, max);
            }
            return c;
        }
    }

    /** The node's HTTP client for pulls, started on first use. */
    private HttpClient client() throws IOException {
        HttpClient c = client;
        if (c != null) {
            return c;
        }
        starting.lock(); // the client is built and started once
        try {
            if (client == null) {
                ClientConnector connector = new ClientConnector();
                connector.setSslContextFactory(new SslContextFactory.Client());
                HttpClient h = new HttpClient(new HttpClientTransportOverHTTP(connector));
                QueuedThreadPool threads = new QueuedThreadPool(16, 2);
                threads.setName("files-pull-http");
                threads.setDaemon(true);
                h.setExecutor(threads);
                h.setSocketAddressResolver(new CheckedResolver(lookup, settings.pullAllowsPrivate()));
                h.setFollowRedirects(true);
                h.setMaxRedirects(MAX_REDIRECTS);
                h.setConnectTimeout(settings.pullIdleTimeout().toMillis());
                h.setIdleTimeout(settings.pullIdleTimeout().toMillis());
                h.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
                try {
                    h.start();
                } catch (Exception e) {
                    throw new IOException("the HTTP client for pulls did not start: " + e, e);
                }
                client = h;
            }
            return client;
        } finally {
            starting.unlock();
        }
    }

    @Override
    public void close() {
        HttpClient c = client;
        if (c != null) {
            try {
                c.stop();
            } catch (Exception e) {
                // shutting down
            }
        }
    }
}
