package dev.raptor.core.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * An engine a test controls without touching the shared one: a Unix-socket {@link Relay} in front of the real Docker
 * Engine that a runtime or a whole daemon is pointed at ({@link #dockerHost()}), and that breaks every connection
 * on demand, so the engine looks stopped to it ({@link #cutAndRefuse()}) and comes back ({@link #resume()}). It notes
 * the request line of every HTTP request it passes on, to count the engine calls an operation costs
 * ({@link #requests}).
 */
public final class EngineProxy implements AutoCloseable {
    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ /\\S* HTTP/1\\.[01]");

    private final Path socket;
    private final Relay relay;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    /** The request to hold next ({@code "POST /containers/create"}: method and path prefix), or null. */
    private volatile String[] toHold;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean holding;
    private volatile boolean heldAnswered;

    public EngineProxy(Path socket, String engineHost) throws IOException {
        URI host = URI.create(engineHost);
        if (!"unix".equals(host.getScheme())) {
            throw new IllegalArgumentException("the proxy needs a unix:// DOCKER_HOST, not " + engineHost);
        }
        this.socket = socket;
        this.relay = Relay.unix(socket, Path.of(host.getPath())).tapping(RequestTap::new);
    }

    /** The {@code unix://} address to give the runtime under test instead of the engine's. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    /** Breaks every open connection and refuses new ones until {@link #resume()}. */
    public void cutAndRefuse() {
        relay.refuse();
        relay.cut();
    }

    /**
     * Holds the next request with {@code method} and a path (API version left out) starting with {@code pathPrefix}: its
     * bytes reach the engine only at {@link #releaseHeld()}, even if its client has given up by then, and its connection
     * to the engine stays open until the engine answers. A request that lands late, as an engine under load carries out
     * a call its caller abandoned.
     */
    public void holdNext(String method, String pathPrefix) {
        toHold = new String[] {method, pathPrefix};
    }

    /** Whether the held request waits for {@link #releaseHeld()} now. */
    public boolean holding() {
        return holding;
    }

    /** Lets the held request (and any that waits to be held) reach the engine. */
    public void releaseHeld() {
        released.countDown();
    }

    /** Whether the engine has answered the held request (the answer reaches its client only if that still listens). */
    public boolean heldAnswered() {
        return heldAnswered;
    }

    /** Accepts and forwards new connections again. */
    public void resume() {
        relay.resume();
    }

    /** How many requests passed with this method and a path (API version left out) that starts with {@code pathPrefix}. */
    public long requests(String method, String pathPrefix) {
        return requestLines.stream().filter(l -> REQUEST_LINE.matcher(l).matches()).map(l -> l.split(" "))
                .filter(l -> l[0].equals(method) && l[1].replaceFirst("^/v[0-9.]+/", "/").startsWith(pathPrefix)).count();
    }

    /** One request passed on: its method and its path without the API version and the query. */
    public record Request(String method, String path) {
    }

    /** Every request passed on so far, in order. */
    public List<Request> requestPaths() {
        return requestLines.stream().filter(l -> REQUEST_LINE.matcher(l).matches()).map(l -> l.split(" ")).map(l -> {
            String path = l[1].replaceFirst("^/v[0-9.]+/", "/");
            int query = path.indexOf('?');
            return new Request(l[0], query < 0 ? path : path.substring(0, query));
        }).toList();
    }

    /** One connection's requests: notes their lines, and holds the one {@link #holdNext} names. */
    private final class RequestTap implements Relay.Tap {
        private final StringBuilder line = new StringBuilder();
        private boolean held;

        @Override
        public void passing(Relay.Link link, Relay.Side from, ByteBuffer chunk) throws InterruptedException {
            if (from == Relay.Side.TARGET) {
                if (held) {
                    heldAnswered = true;
                }
                return;
            }
            if (noteRequestLines(chunk) && !held) {
                held = true;
                link.outliveClient();
                holding = true;
                released.await(); // the client may give up meanwhile: its bytes still go to the engine
                holding = false;
            }
        }

        /**
         * Lines of what a client sends; a request line is one that reads as one (bodies rarely do).
         *
         * @return whether one of them is the request to hold (which is then no longer awaited)
         */
        private boolean noteRequestLines(ByteBuffer data) {
            boolean hold = false;
            while (data.hasRemaining()) {
                char c = (char) (data.get() & 0xff);
                if (c == '\n') {
                    String l = line.toString().strip();
                    // a request may follow the previous one's JSON body on the same line
                    int start = Math.max(l.lastIndexOf("GET /"), Math.max(l.lastIndexOf("POST /"), l.lastIndexOf("DELETE /")));
                    if (start >= 0) {
                        String request = l.substring(start);
                        requestLines.add(request);
                        String[] h = toHold;
                        if (h != null && REQUEST_LINE.matcher(request).matches()) {
                            String[] parts = request.split(" ");
                            if (parts[0].equals(h[0]) && parts[1].replaceFirst("^/v[0-9.]+/", "/").startsWith(h[1])) {
                                toHold = null;
                                hold = true;
                            }
                        }
                    }
                    line.setLength(0);
                } else if (line.length() < 8192) {
                    line.append(c);
                }
            }
            return hold;
        }
    }

    @Override
    public void close() throws IOException {
        relay.close();
    }
}
