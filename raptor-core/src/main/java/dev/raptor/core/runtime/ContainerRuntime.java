package dev.raptor.core.runtime;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.node.LocalMachine;
import dev.raptor.core.node.NodeState;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The seam between Raptor and whatever runs game servers: a Docker Engine, supervised local
 * processes, later Swarm. The controller never asks which one it holds.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Stateless about servers.</b> A runtime reports facts; it does not decide or remember what a
 *       server should be doing. That is the controller's job. Containers are found again by the
 *       {@link RuntimeLabels#SERVER} label and the deterministic {@link RuntimeLabels#containerName name}.</li>
 *   <li><b>Deadlines.</b> Every call that reaches the engine takes a {@link Deadline} and throws
 *       {@link EngineException.Timeout} once it passes, abandoning (and closing) the underlying
 *       connection. No call blocks past its deadline.</li>
 *   <li><b>Typed failures.</b> Calls throw only {@link EngineException} subtypes: {@code NotFound},
 *       {@code Conflict}, {@code Unavailable}, {@code Timeout}, {@code Rejected}, and
 *       {@code NotSupported} for a verb this runtime does not do at all (images and networks on the process
 *       runtime): every verb is either done for real or refused that way, never a silent no-op.</li>
 *   <li><b>Idempotent verbs.</b> {@link #start} on a running container and {@link #kill} on a stopped one
 *       succeed without effect. {@link #remove}, {@link #kill} and {@link #signal} on a missing container
 *       throw {@code NotFound}, which callers treat as success.</li>
 *   <li><b>Ownership.</b> {@link #listOwned} and {@link #events} only ever see containers carrying the
 *       {@link RuntimeLabels#SERVER} label; nothing else is touched.</li>
 *   <li><b>Streams are subscriptions.</b> {@link #logs}, {@link #stats} and {@link #events} return a
 *       {@link Subscription}, and {@link #execInteractive} an {@link ExecSession}; closing it closes the engine
 *       stream and its reader thread.</li>
 *   <li><b>Ownership of networks.</b> {@link #networks} lists, and {@link #removeNetwork} removes, only networks
 *       this runtime made (labelled like its containers); images are the engine's, shared by everyone on it.</li>
 *   <li>Thread-safe; callable from any number of virtual threads.</li>
 * </ul>
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Short name: {@code docker}, {@code process}. */
    String name();

    /**
     * What this runtime needs of a spec beyond general validity (Docker needs an image; the process
     * runtime needs a startup command). Empty when the spec can run here.
     */
    List<FieldError> check(ServerSpec spec);

    /**
     * Whether servers run in a filesystem of their own (containers), where host paths must be mounted to be
     * seen; false for runtimes that run servers on the host's filesystem (processes). A spec with
     * {@code messaging} gets its socket directory ({@link dev.raptor.core.messaging.MessageSocketPaths#directoryOf})
     * mounted at {@link dev.raptor.core.messaging.MessageSocketPaths#CONTAINER_DIRECTORY} on the former, and
     * {@code RAPTOR_SOCKET} naming the socket as the server sees it on both.
     */
    default boolean isolatesFiles() {
        return true;
    }

    /**
     * The node whose host ports {@code spec}'s allocations are published on, for a runtime that runs servers on more
     * than one machine: servers on different nodes may publish the same port, and the fleet's port registry checks
     * ports per node. Null (the default) for a runtime on one machine, where every server shares the host's ports. A
     * runtime that chooses the node only when it first makes the server answers a name of that server's own until
     * then, and checks the chosen node's ports itself.
     */
    default String portNode(ServerSpec spec) {
        return null;
    }

    /**
     * The machines this runtime runs servers on, each with whether it takes servers now and its resources. A server
     * is on the node {@link #portNode} names; a runtime on one machine (the default here: the machine this JVM runs
     * on, which is where the process runtime runs servers) answers one node, and every server is on it. A node that
     * does not answer is reported {@link NodeState#DOWN}, never left out, and this call does not throw for it.
     */
    default List<RuntimeNode> nodes(Deadline deadline) {
        return List.of(LocalMachine.node());
    }

    /**
     * Moving servers with their files between nodes, for a runtime on many machines; empty (the default) for one on
     * one machine, where there is nowhere to move a server to.
     */
    default java.util.Optional<dev.raptor.core.node.NodeTransfers> transfers() {
        return java.util.Optional.empty();
    }

    /** Engine version and capabilities. */
    RuntimeInfo info(Deadline deadline);

    /** Every container carrying the {@link RuntimeLabels#SERVER} label, running or not. */
    List<ContainerInfo> listOwned(Deadline deadline);

    /**
     * Every container {@link #listOwned} reports, with only what a periodic comparison reads: each one's reference,
     * labels and status (running or not, or unreachable). Exit code, times and health may be missing (null,
     * {@link ContainerHealth#NONE}), as in {@link #findToRemove}. For the fleet's sweep, which asks only whether each
     * server's container runs: an engine that must ask about each container separately for the rest (Docker: a list,
     * then an inspect per container) answers it with one call. The default is {@link #listOwned}.
     */
    default List<ContainerInfo> listOwnedStates(Deadline deadline) {
        return listOwned(deadline);
    }

    /** The containers labelled for {@code serverId}: normally zero or one; more are duplicates to remove. */
    List<ContainerInfo> find(UUID serverId, Deadline deadline);

    /**
     * The containers labelled for {@code serverId}, as {@link #find}, but with only what stopping and removing them
     * needs: each one's reference, labels and status (running or not, or unreachable). Exit code, times and health
     * may be missing (null, {@link ContainerHealth#NONE}). For a delete or a kill, which act on every match and read
     * nothing else: an engine that must ask about each match separately for the rest (Docker: a list, then an
     * inspect per container) skips those questions. The default is {@link #find}.
     */
    default List<ContainerInfo> findToRemove(UUID serverId, Deadline deadline) {
        return find(serverId, deadline);
    }

    /**
     * Creates (does not start) the server's container, named {@link RuntimeLabels#containerName} and
     * labelled with the server id and {@link SpecHash#of}. The server's data directory {@code dataDir}
     * appears inside it at {@link ServerSpec#DATA_MOUNT} (runtimes without a filesystem namespace run
     * the server in it).
     *
     * @throws EngineException.Conflict when a container of that name already exists
     * @throws EngineException.NotFound when the image does not exist locally and cannot be pulled
     */
    ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline);

    /**
     * Starts the container. Already running: no-op.
     *
     * @throws EngineException.Conflict with {@link EngineException.Conflict#portInUse()} when the engine cannot
     *                                  give it a host port (another container or program has it)
     */
    void start(ContainerRef ref, Deadline deadline);

    /**
     * Writes one line (a newline is appended) to the server's console input.
     *
     * @throws EngineException.Conflict when the container is not running
     */
    void sendInput(ContainerRef ref, String line, Deadline deadline);

    /** Sends a signal ({@code SIGTERM}, {@code SIGINT}...) to the server's main process. Not running: no-op. */
    void signal(ContainerRef ref, String signal, Deadline deadline);

    /** SIGKILLs the server and everything it started. Not running: no-op. */
    void kill(ContainerRef ref, Deadline deadline);

    /** Removes the container, killing it if needed. Its data directory is left alone. */
    void remove(ContainerRef ref, Deadline deadline);

    /** Current facts about one container. */
    ContainerInfo inspect(ContainerRef ref, Deadline deadline);

    /**
     * Waits until the container is not running, at most until {@code deadline}.
     *
     * @return the exit code, or empty if it still ran when the deadline passed
     */
    Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline);

    /**
     * Whether {@link #events} tells of a container's exit as it happens (the engine pushes it), with the exit code
     * {@link #awaitExit} would answer. A caller holding that subscription may then take an exit it asked for (a stop,
     * a kill) from the event and call {@link #awaitExit} only when none was told within a short bound, which saves
     * that call. False (the default) for a runtime that finds exits by looking now and then: its events come late.
     */
    default boolean tellsExitsAsTheyHappen() {
        return false;
    }

    /**
     * Console output: first the last {@code request.tail()} lines, then (if following) new ones until the
     * container stops, every one once and in order.
     *
     * <p><b>New lines are those written from this call on</b>, however late the runtime's reader first reads: a
     * runtime that opens its stream on a thread of its own or after engine calls (a node lookup) takes the call's
     * instant or log position before anything else, and reads its history up to that mark. So a line the server
     * writes after {@code logs} was called is delivered even with a tail of 0, also when the server stops before the
     * stream opens (then the stream delivers those lines and ends); a line written before the call is history, which
     * the tail may leave out, never a new line. A line written just as the call is made may fall on either side, but
     * is delivered once.
     *
     * <p>Two calls are two instants: a line written after a history read ({@code follow} false) and before a later
     * follow's call is in neither when that follow has a tail of 0. A caller that joins history to live output
     * therefore starts its follow where its history ended: from the stamp of the last line it read
     * ({@code since}, skipping the lines at that stamp it has), or, when the history read ended and held no line,
     * with a tail of -1 (everything the log holds then was written after that read, so nothing is delivered
     * twice). The console hub does so; the contract tests check both on every runtime.
     *
     * <p>The sink must keep up (hand lines off, never wait): a
     * runtime may read live output straight from the server's stdout (Docker's attach stream does), and a sink
     * that waits would then make the server wait on its own output.
     */
    Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink);

    /** Resource readings about once a second while the container runs. */
    Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink);

    /**
     * One resource reading now, without a stream left open: what Raptor reads every few seconds for the running
     * servers nobody watches live (their metrics), so that a node with hundreds of running servers holds no stream,
     * thread or engine connection per server. A runtime that can read once should (Docker: the engine's one-shot
     * stats, which report the CPU time since start, so the caller computes CPU from two readings).
     *
     * <p>The default opens {@link #stats}, takes its first reading and closes it: correct for any runtime, but it
     * holds a stream for as long as the first reading takes.
     *
     * @return the reading; empty when the container does not run (no reading to take) or none came before
     *         {@code deadline}
     * @throws EngineException when the runtime cannot be asked
     */
    default Optional<StatsReading> readStats(ContainerRef ref, Deadline deadline) {
        CompletableFuture<StatsSample> first = new CompletableFuture<>();
        try (Subscription s = stats(ref, new StreamSink<>() {
            @Override
            public void next(StatsSample item) {
                first.complete(item);
            }

            @Override
            public void end(Throwable error) {
                if (error != null) {
                    first.completeExceptionally(error);
                } else {
                    first.complete(null);
                }
            }
        })) {
            StatsSample sample = first.get(Math.max(1, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
            return Optional.ofNullable(sample).map(x -> new StatsReading(x, -1));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Start, exit and removal of every container Raptor owns, until closed. */
    Subscription events(StreamSink<RuntimeEvent> sink);

    // ------------------------------------------------------------------ exec

    /**
     * Runs a command inside the running container, beside its main process, and waits for it: at most
     * {@code request.timeout()} (then it is killed and the result says so) and at most {@code deadline} for the
     * whole call. Output beyond {@code request.maxOutputBytes()} per stream is read and dropped.
     *
     * @throws EngineException.Conflict when the container does not run
     * @throws EngineException.Rejected when the command cannot be started (no such program, a user the runtime
     *                                  cannot run it as)
     */
    ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline);

    /**
     * Starts an interactive command inside the running container (in a terminal when {@code request.tty()}),
     * answering once it runs; {@code deadline} bounds only that. Its output and its end go to {@code listener}.
     *
     * @throws EngineException.Conflict when the container does not run
     */
    ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline);

    // ------------------------------------------------------------------ images

    /** Every image the engine holds. */
    List<ImageInfo> images(Deadline deadline);

    /** The image {@code reference} names (a tag, {@code :latest} when it names none, or an id), if the engine has it. */
    Optional<ImageInfo> inspectImage(String reference, Deadline deadline);

    /**
     * Whether the engine has the image {@code reference} names: what a start asks before its create, to pull the image
     * (with progress) when it is missing. The default asks {@link #inspectImage}. A runtime that knows without asking
     * may answer at once (Docker: an image it inspected since, while the engine's image events say nothing changed);
     * an image removed behind its back a moment ago is then still found missing by the create, which pulls or refuses
     * it as {@link #create} says.
     *
     * @throws EngineException.NotSupported when this runtime runs no images
     */
    default boolean hasImage(String reference, Deadline deadline) {
        return inspectImage(reference, deadline).isPresent();
    }

    /**
     * Pulls {@code reference} ({@code :latest} when it names no tag) with the credentials configured for its
     * registry, telling {@code progress} every step the engine reports, per layer.
     *
     * @throws EngineException.NotFound when the registry has no such image (or refuses to say without credentials)
     */
    ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline);

    /**
     * Removes the image {@code reference} names (a tag of an image with several tags only loses that tag).
     *
     * @throws EngineException.Conflict when a container (running or not) uses it
     * @throws EngineException.NotFound when there is no such image
     */
    void removeImage(String reference, Deadline deadline);

    /** Makes an image of the container's filesystem and settings ({@code docker commit}); the container keeps running. */
    ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline);

    // ------------------------------------------------------------------ networks

    /** The networks this runtime made. */
    List<NetworkInfo> networks(Deadline deadline);

    /**
     * Makes a bridge network, labelled as this runtime's. Servers whose spec names it join it when their
     * container is created.
     *
     * @throws EngineException.Conflict when a network of that name exists
     */
    NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline);

    /**
     * Removes a network this runtime made.
     *
     * @throws EngineException.Conflict when containers are attached to it
     * @throws EngineException.NotFound when there is no such network of this runtime's
     */
    void removeNetwork(String name, Deadline deadline);

    /** Releases connections and threads. Containers keep running. */
    @Override
    void close();
}
