package dev.raptor.metrics;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link ContainerRuntime} that times every engine call: {@code raptor_engine_call_seconds} with the
 * call ({@code create}, {@code start}, {@code inspect}...) and its outcome ({@code ok}, or the
 * {@link EngineException} kind: {@code not_found}, {@code conflict}, {@code unavailable},
 * {@code timeout}, {@code rejected}, {@code not_supported}). Opening a stream (logs, stats, events) is a call too; the stream
 * itself is not timed. Everything else is the delegate's, unchanged: the controller never knows.
 */
public final class MeteredRuntime implements ContainerRuntime {
    static final String METRIC = "raptor.engine.call";

    private final ContainerRuntime delegate;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredRuntime(ContainerRuntime delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    /** The runtime it measures (the daemon asks it runtime-specific questions). */
    public ContainerRuntime delegate() {
        return delegate;
    }

    private <T> T timed(String call, Supplier<T> work) {
        long t0 = System.nanoTime();
        String outcome = "ok";
        try {
            return work.get();
        } catch (EngineException e) {
            outcome = outcome(e);
            throw e;
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            timer(call, outcome).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    private void timedVoid(String call, Runnable work) {
        timed(call, () -> {
            work.run();
            return null;
        });
    }

    static String outcome(EngineException e) {
        return switch (e) {
            case EngineException.NotFound n -> "not_found";
            case EngineException.Conflict c -> "conflict";
            case EngineException.Unavailable u -> "unavailable";
            case EngineException.Timeout t -> "timeout";
            case EngineException.Rejected r -> "rejected";
            case EngineException.NotSupported n -> "not_supported";
        };
    }

    private Timer timer(String call, String outcome) {
        return timers.computeIfAbsent(call + "/" + outcome, k -> Timer.builder(METRIC)
                .description("Container engine calls by call and outcome")
                .tags("call", call, "outcome", outcome)
                .serviceLevelObjectives(Buckets.CALLS)
                .register(registry));
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<FieldError> check(ServerSpec spec) {
        return delegate.check(spec);
    }

    @Override
    public boolean isolatesFiles() {
        return delegate.isolatesFiles();
    }

    @Override
    public String portNode(ServerSpec spec) {
        return delegate.portNode(spec);
    }

    /** The runtime's own: a transfer is long work of many calls, timed as the operation it is, not as one engine call. */
    @Override
    public java.util.Optional<dev.raptor.core.node.NodeTransfers> transfers() {
        return delegate.transfers();
    }

    @Override
    public List<RuntimeNode> nodes(Deadline deadline) {
        return timed("nodes", () -> delegate.nodes(deadline));
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        return timed("info", () -> delegate.info(deadline));
    }

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        return timed("list", () -> delegate.listOwned(deadline));
    }

    @Override
    public List<ContainerInfo> listOwnedStates(Deadline deadline) {
        return timed("list", () -> delegate.listOwnedStates(deadline));
    }

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        return timed("find", () -> delegate.find(serverId, deadline));
    }

    @Override
    public List<ContainerInfo> findToRemove(UUID serverId, Deadline deadline) {
        return timed("find", () -> delegate.findToRemove(serverId, deadline));
    }

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        return timed("create", () -> delegate.create(spec, dataDir, deadline));
    }

    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        timedVoid("start", () -> delegate.start(ref, deadline));
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        timedVoid("send_input", () -> delegate.sendInput(ref, line, deadline));
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        timedVoid("signal", () -> delegate.signal(ref, signal, deadline));
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        timedVoid("kill", () -> delegate.kill(ref, deadline));
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        timedVoid("remove", () -> delegate.remove(ref, deadline));
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        return timed("inspect", () -> delegate.inspect(ref, deadline));
    }

    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        return timed("await_exit", () -> delegate.awaitExit(ref, deadline));
    }

    /** The delegate's: whether the controller may take exits from its events instead of {@link #awaitExit}. */
    @Override
    public boolean tellsExitsAsTheyHappen() {
        return delegate.tellsExitsAsTheyHappen();
    }

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        return timed("logs", () -> delegate.logs(ref, request, sink));
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        return timed("stats", () -> delegate.stats(ref, sink));
    }

    @Override
    public Optional<StatsReading> readStats(ContainerRef ref, Deadline deadline) {
        return timed("readStats", () -> delegate.readStats(ref, deadline));
    }

    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        return timed("events", () -> delegate.events(sink));
    }

    @Override
    public ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline) {
        return timed("exec", () -> delegate.exec(ref, request, deadline));
    }

    @Override
    public ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline) {
        return timed("exec_interactive", () -> delegate.execInteractive(ref, request, listener, deadline));
    }

    @Override
    public List<ImageInfo> images(Deadline deadline) {
        return timed("images", () -> delegate.images(deadline));
    }

    @Override
    public Optional<ImageInfo> inspectImage(String reference, Deadline deadline) {
        return timed("inspect_image", () -> delegate.inspectImage(reference, deadline));
    }

    /** Timed as a call of its own: the delegate may answer it without asking the engine (then in microseconds). */
    @Override
    public boolean hasImage(String reference, Deadline deadline) {
        return timed("has_image", () -> delegate.hasImage(reference, deadline));
    }

    @Override
    public ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline) {
        return timed("pull_image", () -> delegate.pullImage(reference, progress, deadline));
    }

    @Override
    public void removeImage(String reference, Deadline deadline) {
        timedVoid("remove_image", () -> delegate.removeImage(reference, deadline));
    }

    @Override
    public ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline) {
        return timed("commit", () -> delegate.commit(ref, request, deadline));
    }

    @Override
    public List<NetworkInfo> networks(Deadline deadline) {
        return timed("networks", () -> delegate.networks(deadline));
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline) {
        return timed("create_network", () -> delegate.createNetwork(spec, deadline));
    }

    @Override
    public void removeNetwork(String name, Deadline deadline) {
        timedVoid("remove_network", () -> delegate.removeNetwork(name, deadline));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
