package dev.raptor.core.testing;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.ImageReference;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.ServerSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An in-memory container engine for tests of the lifecycle logic, so that the hardest cases (a create that
 * hangs, a kill during a boot, a crash loop) run in milliseconds and on purpose, not by luck on a real
 * engine. {@link FakeRuntime} is the {@code ContainerRuntime} over it; several runtimes (several daemons,
 * each with its own node label) may share one engine, and containers outlive a runtime's close, as they
 * outlive a daemon.
 *
 * <ul>
 *   <li><b>Containers</b> are made by {@link FakeRuntime#create}, or planted by a test ({@link #container},
 *       {@link #plant}). What runs in them is a {@link FakeProgram}: by default {@link FakeGameServer},
 *       which behaves like the test image's script.</li>
 *   <li><b>Output</b> is kept per container across its runs, stamped by the engine's clock: strictly
 *       increasing, never behind the wall clock. As Docker does, a run reports a start time a little
 *       after its first lines' stamps (see {@code ContainerInfo.outputSince}).</li>
 *   <li><b>Faults</b> are scripted per verb with {@link #on}: delays, hangs (until the deadline, optionally
 *       landing afterwards like an abandoned engine call), typed failures. Crashes and exits come from the
 *       program, or from {@link #exit}.</li>
 *   <li><b>Health checks</b> of a spec run as Docker runs them (interval, retries, start period, in program
 *       time), their command in {@link FakeShell}; {@link #health} sets a verdict by hand.</li>
 *   <li><b>Streams</b> (logs, stats, events) each have a reader thread named {@value FakeStream#THREAD_PREFIX}…
 *       so tests can count them; events can be dropped ({@link #dropEvents}) to stand for a lost stream.</li>
 * </ul>
 * Thread-safe. One lock guards the state and is held for memory operations only; programs run on one
 * program thread of their own.
 */
public final class FakeEngine implements AutoCloseable {
    /** Stream reader threads are named with this prefix, for tests that count threads. */
    public static final String STREAM_THREADS = FakeStream.THREAD_PREFIX;
    /** How much later than its first lines a run says it started (Docker: a few milliseconds). */
    private static final Duration START_LAG = Duration.ofMillis(1);

    /** The calls a runtime makes, for scripting and counting. */
    public enum Verb {
        INFO, LIST_OWNED, FIND, CREATE, START, SEND_INPUT, SIGNAL, KILL, REMOVE, INSPECT, AWAIT_EXIT, LOGS, STATS, EVENTS,
        EXEC, EXEC_INTERACTIVE, IMAGES, INSPECT_IMAGE, PULL_IMAGE, REMOVE_IMAGE, COMMIT, NETWORKS, CREATE_NETWORK, REMOVE_NETWORK;

        String operation() {
            String[] words = name().toLowerCase().split("_");
            StringBuilder b = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return b.toString();
        }
    }

    /** One finished call: what, about which server, and how it ended ({@code ok} or the exception's simple name). */
    public record Call(Verb verb, UUID serverId, String outcome) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a run ends, on release and on close: awaitExit and hanging calls wait on it. */
    private final Condition changed = lock.newCondition();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final List<CallRule> rules = new ArrayList<>();
    private final Set<String> missingImages = ConcurrentHashMap.newKeySet();
    /** Images the engine holds, by id; an image no test made missing is there as soon as anyone asks for it. */
    private final Map<String, FakeImage> images = new LinkedHashMap<>();
    /** References a pull finds (a missing image among them becomes present when pulled). */
    private final Set<String> registry = ConcurrentHashMap.newKeySet();
    private final Map<String, FakeNetwork> networks = new LinkedHashMap<>();
    private final Set<FakeStream<?>> streams = ConcurrentHashMap.newKeySet();
    private final List<LogRequest> logRequests = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<Verb, AtomicInteger> inFlight = new java.util.EnumMap<>(Verb.class);
    private final ScheduledExecutorService programs =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("engine-program").factory());
    private volatile Function<ServerSpec, FakeProgram> programFor = spec -> new FakeGameServer();
    private volatile double timeScale = 1;
    private volatile boolean dropEvents;
    private long clockNanos;
    private volatile long aheadNanos;
    private long nextId;

    {
        for (Verb v : Verb.values()) {
            inFlight.put(v, new AtomicInteger());
        }
    }
    private int releases;
    private boolean closed;

    // ------------------------------------------------------------------ configuration

    /**
     * Program time runs this many times as slow as real time: {@code 0.25} makes a {@code BOOT_DELAY} of
     * 4 s last one second. Only program delays scale; deadlines, scripted call delays and everything the
     * daemon times stay real.
     */
    public FakeEngine timeScale(double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive");
        }
        this.timeScale = scale;
        return this;
    }

    /** Which program the containers created from a spec run (default: a {@link FakeGameServer} each). */
    public FakeEngine programs(Function<ServerSpec, FakeProgram> programFor) {
        this.programFor = Objects.requireNonNull(programFor);
        return this;
    }

    /** Creating a container from {@code image} fails as a missing image does (NotFound). */
    public FakeEngine missingImage(String image) {
        missingImages.add(image);
        return this;
    }

    /** A pull of {@code reference} finds it (in three layers); without this, pulling a missing image fails as not found. */
    public FakeEngine registry(String reference) {
        registry.add(reference);
        return this;
    }

    /** Scripts how calls of {@code verb} are answered. */
    public CallRule on(Verb verb) {
        return new CallRule(this, verb);
    }

    void addRule(CallRule rule) {
        lock.lock();
        try {
            rules.add(rule);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every scripted rule (calls in a hang stay there until released). */
    public void clearRules() {
        lock.lock();
        try {
            rules.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Lets every hanging call go on as if the engine had answered after all. */
    public void releaseHangs() {
        lock.lock();
        try {
            releases++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** While true, no event reaches any event stream (as if the stream had silently broken). */
    public void dropEvents(boolean drop) {
        this.dropEvents = drop;
    }

    /**
     * The engine's clock runs {@code ahead} of the daemon's from now on (a remote engine on a machine whose clock is
     * off): every stamp it gives (output, starts, exits) is that far in the daemon's future.
     */
    public void clockAhead(Duration ahead) {
        this.aheadNanos = ahead.toNanos();
    }

    // ------------------------------------------------------------------ observing (for assertions)

    /** Every call that finished, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of {@code verb} finished. */
    public long calls(Verb verb) {
        return calls.stream().filter(c -> c.verb() == verb).count();
    }

    /** Calls that have begun and not yet returned (a hanging one counts until it times out or is released). */
    public int inFlightCalls() {
        return inFlight.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Calls of {@code verb} that have begun and not yet returned. */
    public int inFlightCalls(Verb verb) {
        return inFlight.get(verb).get();
    }

    /** Every log request made, in order. */
    public List<LogRequest> logRequests() {
        return List.copyOf(logRequests);
    }

    public int openLogStreams() {
        return openStreams(FakeStream.Kind.LOGS);
    }

    public int openStatsStreams() {
        return openStreams(FakeStream.Kind.STATS);
    }

    public int openEventStreams() {
        return openStreams(FakeStream.Kind.EVENTS);
    }

    private int openStreams(FakeStream.Kind kind) {
        return (int) streams.stream().filter(s -> s.kind == kind).count();
    }

    /** Every container there is, owned by anybody or nobody. */
    public List<ContainerInfo> containers() {
        lock.lock();
        try {
            return containers.values().stream().map(Container::info).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The lines written to the server's console input, over all its containers and runs. */
    public List<String> inputs(UUID serverId) {
        lock.lock();
        try {
            return containers.values().stream().filter(c -> c.serves(serverId)).flatMap(c -> c.stdin.stream()).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The server's output so far (all its containers, all runs), as text. */
    public List<String> output(UUID serverId) {
        lock.lock();
        try {
            return containers.values().stream().filter(c -> c.serves(serverId)).flatMap(c -> c.output.stream())
                    .map(LogLine::text).toList();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ acting behind the daemon's back

    /** The server's container (the first labelled for it); a bare one (no spec, silent, not running) is made if it has none. */
    public ContainerRef container(UUID serverId) {
        lock.lock();
        try {
            for (Container c : containers.values()) {
                if (c.serves(serverId)) {
                    return c.ref;
                }
            }
            return plantLocked(serverId, RuntimeLabels.containerName(serverId), Map.of(RuntimeLabels.SERVER, serverId.toString()), null).ref;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a container there as if someone had made it: a duplicate of a server's, another node's, or one
     * without Raptor's label (then {@code serverId} only names it). It runs {@link FakeProgram#SILENT} unless
     * {@code spec} is given, and is not started.
     */
    public ContainerRef plant(UUID serverId, String name, Map<String, String> labels, ServerSpec spec) {
        lock.lock();
        try {
            return plantLocked(serverId, name, labels, spec).ref;
        } finally {
            lock.unlock();
        }
    }

    private Container plantLocked(UUID serverId, String name, Map<String, String> labels, ServerSpec spec) {
        ContainerRef ref = new ContainerRef("fake-" + (++nextId), name, serverId);
        Container c = new Container(ref, spec, labels);
        containers.put(ref.id(), c);
        return c;
    }

    /** Starts (a new run of) the server's container; returns where the run's output begins. */
    public Instant start(UUID serverId) {
        lock.lock();
        try {
            Container c = byServer(serverId);
            startLocked(c);
            return c.outputSince;
        } finally {
            lock.unlock();
        }
    }

    /** The server's main process exits normally: its follow streams end. */
    public void stop(UUID serverId) {
        exit(serverId, 0);
    }

    /** The server's main process exits with {@code code} (a crash when it is not 0). */
    public void exit(UUID serverId, int code) {
        lock.lock();
        try {
            exitLocked(byServer(serverId), code, false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The engine stops, as a package upgrade stops it: it tells its event streams it is going away, then stops
     * every running container (exit code 0: the game servers stop cleanly on its SIGTERM).
     */
    public void goAway() {
        lock.lock();
        try {
            publishEngine(new RuntimeEvent.EngineInterrupted(tick(), "the engine is stopping"));
            for (Container c : containers.values()) {
                exitLocked(c, 0, false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The engine answers again after {@link #goAway()}; its containers stay stopped. */
    public void comeBack(Instant wentAway) {
        lock.lock();
        try {
            publishEngine(new RuntimeEvent.EngineResumed(tick(), wentAway));
        } finally {
            lock.unlock();
        }
    }

    /** The server's container prints {@code text}, stamped just after the previous line. */
    public LogLine emit(UUID serverId, String text) {
        return emit(serverId, text, false);
    }

    /** Like {@link #emit(UUID, String)}, but stamped with the very instant of the previous line when {@code sameInstant}. */
    public LogLine emit(UUID serverId, String text, boolean sameInstant) {
        lock.lock();
        try {
            return printLocked(byServer(serverId), LogLine.Stream.STDOUT, text, sameInstant);
        } finally {
            lock.unlock();
        }
    }

    /** The connection to the engine breaks: the server's log and stats streams end with an error; the container keeps running. */
    public void breakStreams(UUID serverId) {
        for (FakeStream<?> s : streams) {
            if (s.kind != FakeStream.Kind.EVENTS && s.key instanceof Container c && c.ref.serverId().equals(serverId)) {
                s.finish(new EngineException.Unavailable(serverId, "logs", "connection reset", null));
            }
        }
    }

    /** Hands a reading to every open stats stream of the server. */
    public void pushStats(UUID serverId, long memoryBytes, double cpu) {
        StatsSample sample = new StatsSample(serverId, Instant.now(), memoryBytes, 1L << 30, cpu, 10, 20, 3);
        for (FakeStream<?> s : streams) {
            if (s.kind == FakeStream.Kind.STATS && s.key instanceof Container c && c.ref.serverId().equals(serverId)) {
                cast(s).push(sample);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> FakeStream<T> cast(FakeStream<?> s) {
        return (FakeStream<T>) s;
    }

    /** The server's health check reaches a verdict: its running container says so, and event streams hear of it. */
    public void health(UUID serverId, ContainerHealth health) {
        lock.lock();
        try {
            Container c = byServer(serverId);
            if (c.running() && c.health != health) {
                c.health = health;
                publish(c, new RuntimeEvent.HealthChanged(c.ref, tick(), health));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The tags of every image the engine holds. */
    public List<String> imageTags() {
        lock.lock();
        try {
            return images.values().stream().flatMap(i -> i.tags().stream()).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The names of every network there is (any node's). */
    public List<String> networkNames() {
        lock.lock();
        try {
            return List.copyOf(networks.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** The networks the server's container was created on, with its aliases (empty when it has none). */
    public List<dev.raptor.core.network.NetworkAttachment> networksOf(UUID serverId) {
        lock.lock();
        try {
            Container c = byServer(serverId);
            return c.spec == null ? List.of() : c.spec.networks();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ calls (used by FakeRuntime)

    /**
     * Runs one call: applies the first live scripted rule of its verb, then {@code action} (under no lock;
     * actions take the lock themselves). An abandoned call (deadline, interrupt) throws Timeout with the
     * interrupt status kept, as the Docker runtime does.
     */
    <T> T call(Verb verb, UUID serverId, Deadline deadline, Supplier<T> action) {
        int release = enter(verb);
        String outcome = "ok";
        try {
            CallRule.Action a = ruleFor(verb, serverId);
            Runnable after = null;
            switch (a) {
                case null -> {
                }
                case CallRule.Action.Then t -> after = t.after();
                case CallRule.Action.Fail f -> throw f.failure().of(serverId, verb.operation(), f.message());
                case CallRule.Action.Delay d -> {
                    if (!waitFor(deadline, System.nanoTime() + d.delay().toNanos(), -1)) {
                        throw timeout(verb, serverId);
                    }
                }
                case CallRule.Action.Hang h -> {
                    if (!waitFor(deadline, Long.MAX_VALUE, release)) {
                        if (h.lands()) {
                            land(action);
                        }
                        throw timeout(verb, serverId);
                    }
                }
            }
            T result = action.get();
            if (after != null) {
                after.run();
            }
            return result;
        } catch (RuntimeException e) {
            outcome = e.getClass().getSimpleName();
            throw e;
        } finally {
            calls.add(new Call(verb, serverId, outcome));
            inFlight.get(verb).decrementAndGet();
        }
    }

    /**
     * Counts a call in flight and returns the release count it started under, in one step under the lock: a test that
     * saw the call in flight ({@link #inFlightCalls}) and then calls {@link #releaseHangs} always lets it go, however late
     * the call's thread reaches its hang.
     */
    private int enter(Verb verb) {
        lock.lock();
        try {
            inFlight.get(verb).incrementAndGet();
            return releases;
        } finally {
            lock.unlock();
        }
    }

    private CallRule.Action ruleFor(Verb verb, UUID serverId) {
        lock.lock();
        try {
            ensureOpen(verb, serverId);
            for (CallRule r : rules) {
                if (r.verb == verb && r.take(serverId)) {
                    return r.action;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code untilNanos}, the deadline, an interrupt, a release after {@code release} (the release count
     * the call started under; negative: not releasable) or the engine's close. True when the call may go on (time was
     * up, or released); false when it is abandoned.
     */
    private boolean waitFor(Deadline deadline, long untilNanos, int release) {
        lock.lock();
        try {
            while (true) {
                if (release >= 0 && releases != release) {
                    return true;
                }
                long now = System.nanoTime();
                if (untilNanos - now <= 0) {
                    return true;
                }
                if (closed || deadline.expired()) {
                    return false;
                }
                long wait = Math.min(untilNanos - now, deadline.remaining().toNanos());
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the caller abandoned the call; its thread keeps the status
                    return false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void land(Supplier<?> action) {
        boolean interrupted = Thread.interrupted();
        try {
            action.get();
        } catch (RuntimeException e) {
            // the engine finished the abandoned call, or failed to: nobody hears of it either way
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static EngineException timeout(Verb verb, UUID serverId) {
        return new EngineException.Timeout(serverId, verb.operation(), "no answer before the deadline; call abandoned", null);
    }

    private void ensureOpen(Verb verb, UUID serverId) {
        if (closed) {
            throw new EngineException.Unavailable(serverId, verb.operation(), "the fake engine is closed", null);
        }
    }

    // ------------------------------------------------------------------ verbs (callers go through call())

    List<ContainerInfo> list(String node, UUID serverId) {
        lock.lock();
        try {
            return containers.values().stream()
                    .filter(c -> FakeRuntime.owns(node, c.labels) && (serverId == null || c.serves(serverId)))
                    .map(Container::info).toList();
        } finally {
            lock.unlock();
        }
    }

    ContainerInfo create(ServerSpec spec, String node) {
        lock.lock();
        try {
            if (spec.image() != null && missingImages.contains(spec.image())) {
                throw new EngineException.NotFound(spec.id(), "create", "image " + spec.image() + " is not present", null);
            }
            if (spec.image() != null) {
                imageLocked(spec.image());
            }
            for (var n : spec.networks()) {
                if (!networks.containsKey(n.name())) {
                    throw new EngineException.NotFound(spec.id(), "create", "network " + n.name() + " not found", null);
                }
            }
            String name = RuntimeLabels.containerName(spec.id());
            for (Container c : containers.values()) {
                if (name.equals(c.ref.name())) {
                    String whose = c.serves(spec.id()) ? "this server's container " + c.ref.id() + " already exists"
                            : "a container named " + name + " exists that is not labelled as this server's";
                    throw new EngineException.Conflict(spec.id(), "create", whose, null);
                }
            }
            Map<String, String> labels = new LinkedHashMap<>(spec.labels());
            labels.put(RuntimeLabels.SERVER, spec.id().toString());
            labels.put(RuntimeLabels.SPEC_HASH, SpecHash.of(spec));
            if (node != null) {
                labels.put(RuntimeLabels.NODE, node);
            }
            return plantLocked(spec.id(), name, labels, spec).info();
        } finally {
            lock.unlock();
        }
    }

    void start(ContainerRef ref) {
        lock.lock();
        try {
            startLocked(byRef(ref, "start"));
        } finally {
            lock.unlock();
        }
    }

    void sendInput(ContainerRef ref, String line) {
        toProgram(ref, "sendInput", c -> {
            if (!c.running()) {
                throw new EngineException.Conflict(ref.serverId(), "sendInput", "container " + ref.id() + " is not running", null);
            }
            c.stdin.add(line);
            return (prog, run) -> prog.input(run, line);
        });
    }

    void signal(ContainerRef ref, String signal) {
        toProgram(ref, "signal", c -> {
            if (c.running() && signal.equals("SIGKILL")) {
                exitLocked(c, 137, false);
            }
            return c.running() ? (prog, run) -> prog.signal(run, signal) : null;
        });
    }

    /** Looks at the container under the lock; what {@code decide} answers (if anything) is then told to its program. */
    private void toProgram(ContainerRef ref, String operation,
                           Function<Container, java.util.function.BiConsumer<FakeProgram, FakeProgram.Run>> decide) {
        lock.lock();
        try {
            Container c = byRef(ref, operation);
            var call = decide.apply(c);
            Process p = c.process;
            if (call != null) {
                runProgram(() -> p.deliver(prog -> call.accept(prog, p)));
            }
        } finally {
            lock.unlock();
        }
    }

    void remove(ContainerRef ref) {
        lock.lock();
        try {
            Container c = byRef(ref, "remove");
            exitLocked(c, 137, false);
            containers.remove(c.ref.id());
            for (FakeStream<?> s : streams) {
                if (s.key == c) {
                    s.finish(null);
                }
            }
            publish(c, new RuntimeEvent.Removed(c.ref, tick()));
        } finally {
            lock.unlock();
        }
    }

    ContainerInfo inspect(ContainerRef ref) {
        lock.lock();
        try {
            return byRef(ref, "inspect").info();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the container does not run; empty at the deadline, or when the caller abandons the wait. */
    java.util.Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        lock.lock();
        try {
            while (true) {
                Container c = byRef(ref, "awaitExit");
                if (!c.running()) {
                    return java.util.Optional.of(c.exitCode == null ? 0 : c.exitCode);
                }
                if (deadline.expired() || closed) {
                    return java.util.Optional.empty();
                }
                try {
                    changed.awaitNanos(deadline.remaining().toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return java.util.Optional.empty();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ exec

    ExecResult exec(ContainerRef ref, ExecRequest request) {
        Map<String, String> env = runningEnvironment(ref, "exec");
        long t0 = System.nanoTime();
        BoundedText stdout = new BoundedText(request.maxOutputBytes());
        BoundedText stderr = new BoundedText(request.maxOutputBytes());
        long timeoutNanos = request.timeout().toNanos();
        boolean[] timedOut = {false};
        FakeShell shell = new FakeShell(request, env, (stream, text) -> (stream == ExecStream.STDERR && !request.tty() ? stderr : stdout).add(text),
                d -> {
                    long left = timeoutNanos - (System.nanoTime() - t0);
                    long want = (long) (d.toNanos() * timeScale);
                    if (!waitFor(Deadline.in(Duration.ofNanos(Math.max(0, Math.min(want, left)))), Long.MAX_VALUE, -1) && want > left) {
                        timedOut[0] = true;
                        return false;
                    }
                    return true;
                }, null);
        int code = shell.runCommand();
        return new ExecResult(timedOut[0] ? 137 : code, stdout.text(), stderr.text(), stdout.truncated(), stderr.truncated(),
                timedOut[0], Duration.ofNanos(System.nanoTime() - t0));
    }

    ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener) {
        return new FakeExecSession(request, runningEnvironment(ref, "execInteractive"), listener, timeScale);
    }

    private Map<String, String> runningEnvironment(ContainerRef ref, String operation) {
        lock.lock();
        try {
            Container c = byRef(ref, operation);
            if (!c.running()) {
                throw new EngineException.Conflict(ref.serverId(), operation, "container " + ref.id() + " is not running", null);
            }
            return c.spec == null ? Map.of() : c.spec.effectiveEnvironment();
        } finally {
            lock.unlock();
        }
    }

    /** Output kept up to a bound of bytes; the rest is counted and dropped. */
    private static final class BoundedText {
        private final int max;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private boolean truncated;

        BoundedText(int max) {
            this.max = max;
        }

        void add(String text) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int room = max - out.size();
            out.write(b, 0, Math.min(room, b.length));
            truncated |= b.length > room;
        }

        String text() {
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        boolean truncated() {
            return truncated;
        }
    }

    // ------------------------------------------------------------------ images

    /** A fake image: its tags, size, labels. */
    private record FakeImage(String id, List<String> tags, long size, Instant created, Map<String, String> labels) {
        ImageInfo info() {
            return new ImageInfo(id, tags, size, created, labels);
        }
    }

    List<ImageInfo> images() {
        lock.lock();
        try {
            return images.values().stream().map(FakeImage::info).toList();
        } finally {
            lock.unlock();
        }
    }

    java.util.Optional<ImageInfo> inspectImage(String reference) {
        lock.lock();
        try {
            if (missingImages.contains(reference)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(imageLocked(reference).info());
        } finally {
            lock.unlock();
        }
    }

    /** The image {@code reference} names; one is made (as if it had always been there) when none does yet. */
    private FakeImage imageLocked(String reference) {
        for (FakeImage i : images.values()) {
            if (i.info().isNamedBy(reference)) {
                return i;
            }
        }
        FakeImage made = new FakeImage("sha256:" + sha256(reference + (++nextId)), List.of(ImageReference.withTag(reference)),
                1_000_000 + reference.length(), tick(), Map.of());
        images.put(made.id(), made);
        return made;
    }

    ImageInfo pullImage(String reference, java.util.function.Consumer<PullProgress> progress) {
        String wanted = ImageReference.withTag(reference);
        boolean found = registry.contains(reference) || registry.contains(wanted) || (!missingImages.contains(reference)
                && !missingImages.contains(wanted));
        if (!found) {
            throw new EngineException.NotFound(null, "pullImage", "pull access denied for " + reference + ": repository does not exist", null);
        }
        progress.accept(new PullProgress(null, "Pulling from " + wanted, 0, 0));
        for (String layer : List.of("a1b2c3d4e5f6", "0f1e2d3c4b5a", "9a8b7c6d5e4f")) {
            progress.accept(new PullProgress(layer, "Pulling fs layer", 0, 0));
            progress.accept(new PullProgress(layer, "Downloading", 512, 1024));
            progress.accept(new PullProgress(layer, "Downloading", 1024, 1024));
            progress.accept(new PullProgress(layer, "Pull complete", 0, 0));
        }
        progress.accept(new PullProgress(null, "Status: Downloaded newer image for " + wanted, 0, 0));
        lock.lock();
        try {
            missingImages.remove(reference);
            missingImages.remove(wanted);
            return imageLocked(wanted).info();
        } finally {
            lock.unlock();
        }
    }

    void removeImage(String reference) {
        lock.lock();
        try {
            FakeImage image = images.values().stream().filter(i -> i.info().isNamedBy(reference)).findFirst()
                    .filter(i -> !missingImages.contains(reference))
                    .orElseThrow(() -> new EngineException.NotFound(null, "removeImage", "No such image: " + reference, null));
            for (Container c : containers.values()) {
                if (c.spec != null && image.info().isNamedBy(c.spec.image())) {
                    throw new EngineException.Conflict(null, "removeImage", "conflict: unable to remove repository reference \""
                            + reference + "\" - container " + c.ref.id() + " is using its referenced image", null);
                }
            }
            images.remove(image.id());
            missingImages.addAll(image.tags()); // gone now: no longer there for whoever asks
            missingImages.add(reference);
        } finally {
            lock.unlock();
        }
    }

    ImageInfo commit(ContainerRef ref, CommitRequest request) {
        lock.lock();
        try {
            Container c = byRef(ref, "commit");
            String tag = request.reference();
            images.values().removeIf(i -> i.info().isNamedBy(tag) && i.tags().size() == 1);
            FakeImage made = new FakeImage("sha256:" + sha256(tag + (++nextId)), List.of(tag), 2_000_000, tick(),
                    c.spec == null ? Map.of() : c.spec.labels());
            images.put(made.id(), made);
            return made.info();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ networks

    private record FakeNetwork(String id, NetworkSpec spec, String node, Instant created) {
    }

    List<NetworkInfo> networks(String node) {
        lock.lock();
        try {
            return networks.values().stream().filter(n -> Objects.equals(n.node(), node)).map(this::networkInfo).toList();
        } finally {
            lock.unlock();
        }
    }

    NetworkInfo createNetwork(NetworkSpec spec, String node) {
        lock.lock();
        try {
            if (networks.containsKey(spec.name())) {
                throw new EngineException.Conflict(null, "createNetwork", "network with name " + spec.name() + " already exists", null);
            }
            FakeNetwork n = new FakeNetwork("net-" + (++nextId), spec, node, tick());
            networks.put(spec.name(), n);
            return networkInfo(n);
        } finally {
            lock.unlock();
        }
    }

    void removeNetwork(String name, String node) {
        lock.lock();
        try {
            FakeNetwork n = networks.get(name);
            if (n == null || !Objects.equals(n.node(), node)) {
                throw new EngineException.NotFound(null, "removeNetwork", "network " + name + " not found", null);
            }
            List<String> attached = attachedLocked(name);
            if (!attached.isEmpty()) {
                throw new EngineException.Conflict(null, "removeNetwork", "error while removing network: network " + name
                        + " has active endpoints (" + String.join(", ", attached) + ")", null);
            }
            networks.remove(name);
        } finally {
            lock.unlock();
        }
    }

    private List<String> attachedLocked(String network) {
        return containers.values().stream()
                .filter(c -> c.spec != null && c.spec.networks().stream().anyMatch(a -> a.name().equals(network)))
                .map(c -> c.ref.name()).toList();
    }

    private NetworkInfo networkInfo(FakeNetwork n) {
        return new NetworkInfo(n.id(), n.spec().name(), "bridge", n.spec().subnet() == null ? "172.30.0.0/16" : n.spec().subnet(),
                n.spec().internal(), n.spec().labels(), attachedLocked(n.spec().name()), n.created());
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    FakeStream<LogLine> logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        logRequests.add(request);
        lock.lock();
        try {
            Container c = byRef(ref, "logs");
            FakeStream<LogLine> s = new FakeStream<>(FakeStream.Kind.LOGS, c, sink, this::forget);
            List<LogLine> past = c.output.stream()
                    .filter(l -> request.since() == null || !l.at().isBefore(request.since()))
                    .toList();
            if (request.tail() >= 0 && past.size() > request.tail()) {
                past = past.subList(past.size() - request.tail(), past.size());
            }
            past.forEach(s::push);
            if (request.follow() && c.running()) {
                c.followers.add(s);
            } else {
                s.finish(null);
            }
            streams.add(s);
            return s.start();
        } finally {
            lock.unlock();
        }
    }

    FakeStream<StatsSample> stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        return open(FakeStream.Kind.STATS, () -> byRef(ref, "stats"), sink);
    }

    /** An event stream of a runtime with {@code node}: it sees the events of the containers that node owns. */
    FakeStream<RuntimeEvent> events(String node, StreamSink<RuntimeEvent> sink) {
        return open(FakeStream.Kind.EVENTS, () -> new EventKey(node), sink);
    }

    private <T> FakeStream<T> open(FakeStream.Kind kind, Supplier<Object> key, StreamSink<T> sink) {
        lock.lock();
        try {
            FakeStream<T> s = new FakeStream<>(kind, key.get(), sink, this::forget);
            streams.add(s);
            return s.start();
        } finally {
            lock.unlock();
        }
    }

    private record EventKey(String node) {
    }

    // ------------------------------------------------------------------ state changes (lock held)

    private Container byServer(UUID serverId) {
        for (Container c : containers.values()) {
            if (c.serves(serverId)) {
                return c;
            }
        }
        throw new IllegalStateException("no container of server " + serverId + "; call container(id) first");
    }

    private Container byRef(ContainerRef ref, String operation) {
        Container c = containers.get(ref.id());
        if (c == null) {
            throw new EngineException.NotFound(ref.serverId(), operation, "no such container: " + ref.id(), null);
        }
        return c;
    }

    private void startLocked(Container c) {
        if (c.running()) {
            return;
        }
        c.status = ContainerStatus.RUNNING;
        c.exitCode = null;
        c.oom = false;
        c.outputSince = tick();
        c.startedAt = c.outputSince.plus(START_LAG);
        c.finishedAt = null;
        c.health = c.spec != null && c.spec.healthCheck() != null ? ContainerHealth.STARTING : ContainerHealth.NONE;
        c.run++;
        FakeProgram program = c.spec == null ? FakeProgram.SILENT : programFor.apply(c.spec);
        Process p = new Process(c, c.run, program);
        c.process = p;
        publish(c, new RuntimeEvent.Started(c.ref, c.startedAt));
        runProgram(() -> p.deliver(prog -> prog.started(p)));
        if (c.spec != null && c.spec.healthCheck() != null) {
            HealthCheck check = c.spec.healthCheck();
            long graceChecks = check.startPeriod().toNanos() / Math.max(1, check.interval().toNanos());
            checkHealth(c, p, check, graceChecks, 0);
        }
    }

    /**
     * Runs the spec's health check command as Docker does: every interval (program time), a run of {@code retries}
     * failures in a row makes the container unhealthy, a success healthy; failures within the start period do not
     * count. The command runs in {@link FakeShell}.
     */
    private void checkHealth(Container c, Process p, HealthCheck check, long graceChecks, int failures) {
        p.after(check.interval(), () -> {
            int code = new FakeShell(ExecRequest.of("sh", "-c", check.command()), p.env, (stream, text) -> {
            }, d -> true, null).runCommand();
            int failed = code == 0 ? 0 : graceChecks > 0 ? failures : failures + 1;
            lock.lock();
            try {
                if (!p.liveLocked()) {
                    return;
                }
                ContainerHealth h = code == 0 ? ContainerHealth.HEALTHY : failed >= check.retries() ? ContainerHealth.UNHEALTHY : c.health;
                if (h != c.health) {
                    c.health = h;
                    publish(c, new RuntimeEvent.HealthChanged(c.ref, tick(), h));
                }
            } finally {
                lock.unlock();
            }
            checkHealth(c, p, check, Math.max(0, graceChecks - 1), failed);
        });
    }

    private void runProgram(Runnable call) {
        try {
            programs.execute(call);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the engine is closing: nothing runs any more
        }
    }

    /** A stream has ended (its reader thread is about to tell its sink): forget it. */
    private void forget(FakeStream<?> s) {
        lock.lock();
        try {
            streams.remove(s);
            if (s.key instanceof Container c) {
                c.followers.remove(s);
            }
        } finally {
            lock.unlock();
        }
    }

    private void exitLocked(Container c, int code, boolean oom) {
        if (!c.running()) {
            return;
        }
        c.status = ContainerStatus.EXITED;
        c.health = ContainerHealth.NONE;
        c.exitCode = code;
        c.oom = oom;
        Instant now = tick();
        c.finishedAt = now.isAfter(c.startedAt) ? now : c.startedAt.plusNanos(1);
        clockNanos = Math.max(clockNanos, nanos(c.finishedAt));
        for (FakeStream<LogLine> s : c.followers) {
            s.finish(null);
        }
        c.followers.clear();
        changed.signalAll();
        publish(c, new RuntimeEvent.Exited(c.ref, c.finishedAt, code, oom));
    }

    private LogLine printLocked(Container c, LogLine.Stream stream, String text, boolean sameInstant) {
        LogLine line = new LogLine(c.ref.serverId(), sameInstant && clockNanos != 0 ? instant(clockNanos) : tick(), stream, text);
        c.output.add(line);
        for (FakeStream<LogLine> s : c.followers) {
            s.push(line);
        }
        return line;
    }

    private void publish(Container c, RuntimeEvent event) {
        if (dropEvents) {
            return;
        }
        for (FakeStream<?> s : streams) {
            if (s.kind == FakeStream.Kind.EVENTS && s.key instanceof EventKey(String node) && FakeRuntime.owns(node, c.labels)) {
                FakeEngine.<RuntimeEvent>cast(s).push(event);
            }
        }
    }

    private void publishEngine(RuntimeEvent event) {
        if (dropEvents) {
            return;
        }
        for (FakeStream<?> s : streams) {
            if (s.kind == FakeStream.Kind.EVENTS) {
                FakeEngine.<RuntimeEvent>cast(s).push(event);
            }
        }
    }

    /** The engine's clock: strictly increasing, never behind the wall clock (plus {@link #clockAhead}). */
    private Instant tick() {
        clockNanos = Math.max(nanos(Instant.now()) + aheadNanos, clockNanos + 1);
        return instant(clockNanos);
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    /** A signal's number, as a shell reports a process killed by it (128 + n). */
    static int signalNumber(String signal) {
        return switch (signal) {
            case "SIGHUP" -> 1;
            case "SIGINT" -> 2;
            case "SIGQUIT" -> 3;
            case "SIGKILL" -> 9;
            case "SIGUSR1" -> 10;
            case "SIGUSR2" -> 12;
            case "SIGTERM" -> 15;
            default -> 15;
        };
    }

    /** Ends every stream and hanging call; containers and their programs stop existing with it. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (FakeStream<?> s : streams) {
            s.close();
        }
        programs.shutdownNow();
    }

    // ------------------------------------------------------------------ containers and runs

    private final class Container {
        final ContainerRef ref;
        final ServerSpec spec;
        final Map<String, String> labels;
        final List<LogLine> output = new ArrayList<>();
        final List<String> stdin = new ArrayList<>();
        final List<FakeStream<LogLine>> followers = new ArrayList<>();
        ContainerStatus status = ContainerStatus.CREATED;
        Integer exitCode;
        boolean oom;
        Instant startedAt;
        Instant finishedAt;
        Instant outputSince;
        int run;
        Process process;
        ContainerHealth health = ContainerHealth.NONE;

        Container(ContainerRef ref, ServerSpec spec, Map<String, String> labels) {
            this.ref = ref;
            this.spec = spec;
            this.labels = Map.copyOf(labels);
        }

        boolean serves(UUID serverId) {
            return serverId.toString().equals(labels.get(RuntimeLabels.SERVER));
        }

        boolean running() {
            return status.isRunning();
        }

        ContainerInfo info() {
            return new ContainerInfo(ref, labels.get(RuntimeLabels.SPEC_HASH), status, exitCode, oom, startedAt, finishedAt,
                    outputSince, labels, health);
        }
    }

    /** One run of a container, as its program sees it. */
    private final class Process implements FakeProgram.Run {
        private final Container c;
        private final int run;
        private final FakeProgram program;
        private final Map<String, String> env;

        Process(Container c, int run, FakeProgram program) {
            this.c = c;
            this.run = run;
            this.program = program;
            Map<String, String> e = new LinkedHashMap<>();
            if (c.spec != null) {
                c.spec.primaryAllocation().ifPresent(a -> {
                    e.put("SERVER_IP", a.ip());
                    e.put("SERVER_PORT", Integer.toString(a.containerPort()));
                });
                e.putAll(c.spec.effectiveEnvironment());
            }
            this.env = Map.copyOf(e);
        }

        /** Calls the program (on the program thread) if this run still lives. */
        void deliver(java.util.function.Consumer<FakeProgram> call) {
            if (alive()) {
                call.accept(program);
            }
        }

        @Override
        public ServerSpec spec() {
            return c.spec;
        }

        @Override
        public String env(String name, String fallback) {
            return env.getOrDefault(name, fallback);
        }

        @Override
        public void print(String line) {
            print(LogLine.Stream.STDOUT, line);
        }

        @Override
        public void printError(String line) {
            print(LogLine.Stream.STDERR, line);
        }

        private void print(LogLine.Stream stream, String line) {
            lock.lock();
            try {
                if (liveLocked()) {
                    printLocked(c, stream, line, false);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void exit(int code) {
            end(code, false);
        }

        @Override
        public void outOfMemory() {
            end(137, true);
        }

        private void end(int code, boolean oom) {
            lock.lock();
            try {
                if (liveLocked()) {
                    exitLocked(c, code, oom);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void after(Duration delay, Runnable action) {
            long nanos = (long) (delay.toNanos() * timeScale);
            try {
                programs.schedule(() -> {
                    if (alive()) {
                        action.run();
                    }
                }, nanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the engine is closing: nothing runs any more
            }
        }

        @Override
        public boolean alive() {
            lock.lock();
            try {
                return liveLocked();
            } finally {
                lock.unlock();
            }
        }

        private boolean liveLocked() {
            return !closed && c.run == run && c.running() && containers.get(c.ref.id()) == c;
        }
    }
}
