package dev.raptor.core.testing;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.validation.FieldError;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link ContainerRuntime} contract on a {@link FakeEngine}: what a daemon with node label
 * {@code node} sees of it. It honours the SPI as the real runtimes do, so that {@code LifecycleContract}
 * runs on it unchanged and in seconds:
 * <ul>
 *   <li>every call takes its deadline (scripted delays and hangs end in {@link EngineException.Timeout});
 *       an interrupted call is abandoned like a Docker call, keeping the interrupt status;</li>
 *   <li>only {@link EngineException} subtypes are thrown; start on running, kill and signal on stopped
 *       are no-ops; remove, kill and signal of a missing container throw NotFound;</li>
 *   <li>{@link #listOwned}, {@link #find} and {@link #events} see only containers labelled
 *       {@link RuntimeLabels#SERVER} and this runtime's node (none when it has none);</li>
 *   <li>logs honour tail, since (to the nanosecond) and follow; every stream is a subscription whose
 *       close ends its reader thread, and {@link #close()} closes every stream this runtime opened;</li>
 *   <li>exec runs {@link FakeShell}'s builtins in a running container only (Conflict otherwise), bounded and
 *       timed out as the request says; interactive sessions echo like a terminal and answer {@code stty size};</li>
 *   <li>images: whatever no test made missing is there; a missing one is pulled (with per-layer progress) only
 *       if the test put it in the {@link FakeEngine#registry registry}; an image a container uses is not
 *       removed (Conflict); networks are this node's, refused (Conflict) while a container is on them.</li>
 * </ul>
 */
public final class FakeRuntime implements ContainerRuntime {
    private final FakeEngine engine;
    private final String node;
    private final boolean ownsEngine;
    private final Set<Subscription> opened = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean tellsExits;

    /** A runtime on an engine of its own, which it closes with itself. */
    public FakeRuntime() {
        this(new FakeEngine(), null, true);
    }

    private FakeRuntime(FakeEngine engine, String node, boolean ownsEngine) {
        this.engine = engine;
        this.node = node;
        this.ownsEngine = ownsEngine;
    }

    /** Another daemon's view of {@code engine}: a node label of its own (null: none); closing it leaves the engine running. */
    public static FakeRuntime on(FakeEngine engine, String node) {
        return new FakeRuntime(engine, node, false);
    }

    public FakeEngine engine() {
        return engine;
    }

    public String node() {
        return node;
    }

    /** Whether a runtime with node label {@code node} owns a container with {@code labels} (rule 8). */
    static boolean owns(String node, Map<String, String> labels) {
        return labels.containsKey(RuntimeLabels.SERVER) && Objects.equals(labels.get(RuntimeLabels.NODE), node);
    }

    /**
     * Makes this runtime say that its events tell exits as they happen ({@link #tellsExitsAsTheyHappen()}), as Docker's
     * do: the fake engine publishes an exit at the moment it happens.
     */
    public FakeRuntime tellingExits(boolean tells) {
        this.tellsExits = tells;
        return this;
    }

    @Override
    public boolean tellsExitsAsTheyHappen() {
        return tellsExits;
    }

    /** Subscriptions this runtime opened that are still open. */
    public int openStreams() {
        return (int) opened.stream().filter(Subscription::isOpen).count();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public List<FieldError> check(ServerSpec spec) {
        return spec.image() == null ? List.of(new FieldError("image", "the fake runtime runs images: set one")) : List.of();
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        return call(Verb.INFO, null, deadline, () -> new RuntimeInfo("fake", "1.0", "1",
                node == null ? Map.of() : Map.of("node", node), List.of()));
    }

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        return call(Verb.LIST_OWNED, null, deadline, () -> engine.list(node, null));
    }

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        Objects.requireNonNull(serverId, "serverId");
        return call(Verb.FIND, serverId, deadline, () -> engine.list(node, serverId));
    }

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        Objects.requireNonNull(dataDir, "dataDir");
        List<FieldError> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new EngineException.Rejected(spec.id(), "create", problems.toString(), null);
        }
        return call(Verb.CREATE, spec.id(), deadline, () -> engine.create(spec, node));
    }

    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        perform(Verb.START, ref, deadline, () -> engine.start(ref));
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        Objects.requireNonNull(line, "line");
        perform(Verb.SEND_INPUT, ref, deadline, () -> engine.sendInput(ref, line));
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        String name = signal.strip().toUpperCase(Locale.ROOT);
        String normal = name.startsWith("SIG") ? name : "SIG" + name;
        perform(Verb.SIGNAL, ref, deadline, () -> engine.signal(ref, normal));
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        perform(Verb.KILL, ref, deadline, () -> engine.signal(ref, "SIGKILL"));
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        perform(Verb.REMOVE, ref, deadline, () -> engine.remove(ref));
    }

    private void perform(Verb verb, ContainerRef ref, Deadline deadline, Runnable action) {
        call(verb, ref.serverId(), deadline, () -> {
            action.run();
            return null;
        });
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        return call(Verb.INSPECT, ref.serverId(), deadline, () -> engine.inspect(ref));
    }

    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        return call(Verb.AWAIT_EXIT, ref.serverId(), deadline, () -> engine.awaitExit(ref, deadline));
    }

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        return track(call(Verb.LOGS, ref.serverId(), Deadline.inSeconds(30), () -> engine.logs(ref, request, sink)));
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        Objects.requireNonNull(sink, "sink");
        return track(call(Verb.STATS, ref.serverId(), Deadline.inSeconds(30), () -> engine.stats(ref, sink)));
    }

    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        Objects.requireNonNull(sink, "sink");
        return track(call(Verb.EVENTS, null, Deadline.inSeconds(30), () -> engine.events(node, sink)));
    }

    @Override
    public ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline) {
        Objects.requireNonNull(request, "request");
        return call(Verb.EXEC, ref.serverId(), deadline, () -> engine.exec(ref, request));
    }

    @Override
    public ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline) {
        Objects.requireNonNull(listener, "listener");
        return call(Verb.EXEC_INTERACTIVE, ref.serverId(), deadline, () -> engine.execInteractive(ref, request, listener));
    }

    @Override
    public List<ImageInfo> images(Deadline deadline) {
        return call(Verb.IMAGES, null, deadline, engine::images);
    }

    @Override
    public Optional<ImageInfo> inspectImage(String reference, Deadline deadline) {
        return call(Verb.INSPECT_IMAGE, null, deadline, () -> engine.inspectImage(reference));
    }

    @Override
    public ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline) {
        return call(Verb.PULL_IMAGE, null, deadline, () -> engine.pullImage(reference, progress));
    }

    @Override
    public void removeImage(String reference, Deadline deadline) {
        call(Verb.REMOVE_IMAGE, null, deadline, () -> {
            engine.removeImage(reference);
            return null;
        });
    }

    @Override
    public ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline) {
        return call(Verb.COMMIT, ref.serverId(), deadline, () -> engine.commit(ref, request));
    }

    @Override
    public List<NetworkInfo> networks(Deadline deadline) {
        return call(Verb.NETWORKS, null, deadline, () -> engine.networks(node));
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline) {
        return call(Verb.CREATE_NETWORK, null, deadline, () -> engine.createNetwork(spec, node));
    }

    @Override
    public void removeNetwork(String name, Deadline deadline) {
        call(Verb.REMOVE_NETWORK, null, deadline, () -> {
            engine.removeNetwork(name, node);
            return null;
        });
    }

    private Subscription track(Subscription s) {
        opened.add(s);
        opened.removeIf(o -> !o.isOpen());
        if (closed) {
            s.close();
        }
        return s;
    }

    private <T> T call(Verb verb, UUID serverId, Deadline deadline, java.util.function.Supplier<T> action) {
        if (closed) {
            throw new EngineException.Unavailable(serverId, verb.operation(), "the fake runtime is closed", null);
        }
        return engine.call(verb, serverId, deadline, action);
    }

    /** Closes every stream this runtime opened (and its engine, if it made it). Containers keep running. */
    @Override
    public void close() {
        closed = true;
        for (Subscription s : opened) {
            s.close();
        }
        opened.clear();
        if (ownsEngine) {
            engine.close();
        }
    }
}
