package dev.raptor.cli.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** HTTP to a remote daemon through {@code java.net.http}, authenticated with the node API key (or a token). */
public final class TcpTransport implements DaemonTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final String apiKey;
    private final HttpClient client;

    /**
     * @param base   e.g. {@code http://10.0.0.5:8080} (a trailing path is kept as a prefix)
     * @param apiKey bearer credential; null sends none (the daemon then answers 401)
     */
    public TcpTransport(URI base, String apiKey) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return base.toString();
    }

    @Override
    public DaemonResponse send(DaemonRequest request) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + request.target()))
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (!request.readTimeout().isZero()) {
            b.timeout(request.readTimeout());
        }
        boolean accept = false;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
            accept |= h.getKey().equalsIgnoreCase("Accept");
        }
        if (!accept) {
            b.header("Accept", "application/json, application/problem+json, */*");
        }
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + apiKey.strip());
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new DaemonUnreachableException("cannot reach the daemon at " + base + ": connection timed out", e);
        } catch (ConnectException e) {
            throw new DaemonUnreachableException("cannot reach the daemon at " + base + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
        } catch (HttpTimeoutException e) {
            throw new IOException("the daemon at " + base + " did not answer within " + request.readTimeout().toSeconds() + "s", e);
        } catch (UnresolvedAddressException e) {
            throw new DaemonUnreachableException("cannot reach the daemon at " + base + ": unknown host", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        InputStream body = response.body();
        return new DaemonResponse(response.statusCode(), headers, body, body::close);
    }
}
