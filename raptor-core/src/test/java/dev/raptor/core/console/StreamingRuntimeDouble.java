package dev.raptor.core.console;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stands in for an engine's log and stats streams only, because core cannot reach a real engine:
 * each server has one container whose output the test pushes with {@link #emit}. Streams behave like
 * Docker's: a follow stream first replays the requested history (honouring {@code tail} and
 * {@code since} precisely), then delivers new lines from its own reader thread until the container
 * stops ({@link #stop}) or the stream is closed. Every other runtime verb is unsupported.
 */
public final class StreamingRuntimeDouble implements ContainerRuntime {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, Container> containers = new HashMap<>();
    private final Set<Stream<?>> open = ConcurrentHashMap.newKeySet();
    /** Every log request, in order. */
    public final List<LogRequest> logRequests = new CopyOnWriteArrayList<>();
    /** The engine's clock: starts at the real time, then advances one nanosecond per line or start. */
    private long clockNanos = System.currentTimeMillis() * 1_000_000L;

    private static final class Container {
        final ContainerRef ref;
        final List<LogLine> output = new ArrayList<>();
        boolean running;

        Container(ContainerRef ref) {
            this.ref = ref;
        }
    }

    /** Registers the server's container (not running). */
    public ContainerRef container(UUID serverId) {
        lock.lock();
        try {
            return containers.computeIfAbsent(serverId,
                    id -> new Container(new ContainerRef("c-" + id, RuntimeLabels.containerName(id), id))).ref;
        } finally {
            lock.unlock();
        }
    }

    /** Starts a new run of the server's container and returns when (by the engine's clock) it started. */
    public Instant start(UUID serverId) {
        container(serverId);
        lock.lock();
        try {
            containers.get(serverId).running = true;
            return tick();
        } finally {
            lock.unlock();
        }
    }

    /** The container's process exits: its follow streams end normally. */
    public void stop(UUID serverId) {
        lock.lock();
        try {
            containers.get(serverId).running = false;
            for (Stream<?> s : open) {
                if (s.serverId.equals(serverId) && s.logs) {
                    s.finish(null);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The engine connection breaks: every log stream of the server ends with an error; the container keeps running. */
    public void breakStreams(UUID serverId) {
        lock.lock();
        try {
            for (Stream<?> s : open) {
                if (s.serverId.equals(serverId)) {
                    s.finish(new IllegalStateException("connection reset"));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The container prints {@code text}, stamped one nanosecond after the previous line. */
    public LogLine emit(UUID serverId, String text) {
        return emit(serverId, text, false);
    }

    /** Like {@link #emit(UUID, String)}, but stamped with the same instant as the previous line when {@code sameInstant}. */
    public LogLine emit(UUID serverId, String text, boolean sameInstant) {
        lock.lock();
        try {
            Container c = containers.get(serverId);
            LogLine line = new LogLine(serverId, sameInstant ? now() : tick(), LogLine.Stream.STDOUT, text);
            c.output.add(line);
            for (Stream<?> s : open) {
                if (s.serverId.equals(serverId) && s.logs && s.follow) {
                    s.push(line);
                }
            }
            return line;
        } finally {
            lock.unlock();
        }
    }

    /** Hands a reading to every open stats stream of the server. */
    public void pushStats(UUID serverId, long memoryBytes, double cpu) {
        StatsSample sample = new StatsSample(serverId, Instant.now(), memoryBytes, 1L << 30, cpu, 10, 20, 3);
        for (Stream<?> s : open) {
            if (s.serverId.equals(serverId) && !s.logs) {
                s.push(sample);
            }
        }
    }

    public int openLogStreams() {
        return (int) open.stream().filter(s -> s.logs).count();
    }

    public int openStatsStreams() {
        return (int) open.stream().filter(s -> !s.logs).count();
    }

    private Instant tick() {
        clockNanos += 1;
        return now();
    }

    private Instant now() {
        return Instant.ofEpochSecond(0, clockNanos);
    }

    // ------------------------------------------------------------------ the streams

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        logRequests.add(request);
        lock.lock();
        try {
            Container c = containers.get(ref.serverId());
            Stream<LogLine> s = new Stream<>(ref.serverId(), true, request.follow() && c.running, sink);
            List<LogLine> past = c.output.stream()
                    .filter(l -> request.since() == null || !l.at().isBefore(request.since()))
                    .toList();
            if (request.tail() >= 0 && past.size() > request.tail()) {
                past = past.subList(past.size() - request.tail(), past.size());
            }
            past.forEach(s::push);
            if (!s.follow) {
                s.finish(null);
            }
            open.add(s);
            s.start();
            return s;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        Stream<StatsSample> s = new Stream<>(ref.serverId(), false, true, sink);
        open.add(s);
        s.start();
        return s;
    }

    /** One stream: a queue the double fills and a reader thread that drains it into the sink, like an engine client. */
    private final class Stream<T> implements Subscription {
        private static final Object END = new Object();
        final UUID serverId;
        final boolean logs;
        final boolean follow;
        final StreamSink<T> sink;
        final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        volatile Throwable error;
        volatile boolean open = true;
        Thread reader;

        Stream(UUID serverId, boolean logs, boolean follow, StreamSink<T> sink) {
            this.serverId = serverId;
            this.logs = logs;
            this.follow = follow;
            this.sink = sink;
        }

        void push(Object item) {
            queue.add(item);
        }

        void finish(Throwable error) {
            this.error = error;
            queue.add(END);
        }

        void start() {
            reader = Thread.ofVirtual().name("double-reader").start(this::read);
        }

        @SuppressWarnings("unchecked")
        private void read() {
            try {
                while (true) {
                    Object item = queue.take();
                    if (item == END || !open) {
                        break;
                    }
                    sink.next((T) item);
                }
            } catch (InterruptedException e) {
                // closed
            } finally {
                StreamingRuntimeDouble.this.open.remove(this);
                open = false;
                sink.end(error);
            }
        }

        @Override
        public void close() {
            open = false;
            queue.add(END);
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    // ------------------------------------------------------------------ not part of this double

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        lock.lock();
        try {
            Container c = containers.get(serverId);
            return c == null ? List.of() : List.of(new ContainerInfo(c.ref, null,
                    c.running ? ContainerStatus.RUNNING : ContainerStatus.EXITED, null, false, null, null, null, Map.of()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return "streams-only";
    }

    @Override
    public List<FieldError> check(ServerSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        for (Stream<?> s : open) {
            s.close();
        }
    }
}
