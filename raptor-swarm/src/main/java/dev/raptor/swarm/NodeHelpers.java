package dev.raptor.swarm;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.docker.DockerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The short-lived helper containers through which the runtime reaches a server's files on a node: made from the
 * configured helper image ({@link SwarmRuntimeConfig#helperImage}, pulled on a node that lacks it), not from the
 * server's own image, with a directory of that node bind-mounted. A node that can get no helper image (it cannot reach
 * the helper image's registry) is given helpers of the server's image instead, asked again after
 * {@link #HELPER_RETRY}: those never started need nothing of it, the one that removes a directory needs {@code rm}. Most are never started (the Engine API's archive
 * endpoints read and write their mounts); the one that removes a directory runs {@code rm -rf} as its entrypoint, no
 * shell involved.
 *
 * <p>Each helper is labelled {@value #LABEL}{@code =<server id>} and with this runtime's Raptor node label. A raptord
 * that dies in the middle of a transfer leaves its helpers behind: {@link #collect} removes every helper of this
 * runtime's node label that it is not using now, on every node's engine (the runtime starts one, in the background, as
 * it lists its servers at boot, and at most once a {@link #COLLECT_EVERY} after that).
 */
final class NodeHelpers {
    private static final Logger log = LoggerFactory.getLogger(NodeHelpers.class);
    /** Label of the helper containers: never a server's label, so no listing of servers ever sees them. */
    static final String LABEL = "dev.raptor.transfer";
    /** Where a helper sees the directory it is made for. */
    static final String MOUNT = "/raptor-volume";
    /** How often, past the first listing, leftover helpers are looked for. */
    static final Duration COLLECT_EVERY = Duration.ofMinutes(1);
    private static final Duration CALL = Duration.ofSeconds(60);
    /** How long after a create the engine never answered its helper is removed by name a second time. */
    private static final Duration LATE_CREATE = Duration.ofSeconds(30);
    /** How long a node that could not pull the helper image is given the server's image instead before trying again. */
    static final Duration HELPER_RETRY = Duration.ofMinutes(10);

    private final SwarmRuntimeConfig config;
    /** Names of the helpers in use by this runtime now: a collection never removes them. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    /** Nodes whose engine has the helper image, as far as this runtime knows. */
    private final Set<String> imageOn = ConcurrentHashMap.newKeySet();
    /** Nodes that could not pull the helper image, since when ({@link System#nanoTime}). */
    private final Map<String, Long> helperMissingSince = new ConcurrentHashMap<>();
    private volatile long lastCollect = Long.MIN_VALUE;
    private final java.util.concurrent.atomic.AtomicBoolean collecting = new java.util.concurrent.atomic.AtomicBoolean();
    /** How long a removal handed to the background may take before its helper is removed anyway. */
    private static final Duration BACKGROUND = Duration.ofHours(12);

    NodeHelpers(SwarmRuntimeConfig config) {
        this.config = config;
    }

    String image() {
        return config.helperImage();
    }

    /** Labels of a helper for {@code serverId}: its own, and this runtime's node label (the one it collects by). */
    private Map<String, String> labels(UUID serverId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL, serverId.toString());
        if (config.node() != null) {
            labels.put(RuntimeLabels.NODE, config.node());
        }
        return labels;
    }

    /**
     * Pulls {@code image} on {@code engine} (node {@code hostname}) when that node does not have it: a node gets the
     * images of the servers placed there, and the helper image, from the registry it pulls from.
     */
    static void ensureImage(DockerRuntime engine, String hostname, UUID serverId, String image, Deadline deadline) {
        try {
            engine.engineCall("image", serverId, deadline, c -> c.inspectImageCmd(image).exec());
        } catch (EngineException.NotFound missing) {
            log.info("server={} node={} pulling image={} (the node does not have it)", serverId, hostname, image);
            engine.pullImage(image, p -> {
            }, deadline);
        }
    }

    /**
     * The image of a helper on {@code hostname}: the helper image once the node has it (pulled now when it lacks it),
     * else {@code serverImage} (which the node has: the server is placed there).
     */
    String imageFor(String hostname, DockerRuntime engine, UUID serverId, String serverImage, Deadline deadline) {
        if (imageOn.contains(hostname)) {
            return image();
        }
        Long missing = helperMissingSince.get(hostname);
        if (missing == null || System.nanoTime() - missing > HELPER_RETRY.toNanos()) {
            try {
                ensureImage(engine, hostname, serverId, image(), deadline);
                imageOn.add(hostname);
                helperMissingSince.remove(hostname);
                return image();
            } catch (EngineException.NotFound unavailable) {
                helperMissingSince.put(hostname, System.nanoTime());
                log.warn("node={} cannot get the helper image {} ({}): helpers there use the server's image for {} min", hostname,
                        image(), unavailable.getMessage(), HELPER_RETRY.toMinutes());
            }
        }
        return serverImage;
    }

    /**
     * A helper on node {@code hostname} with {@code dir} at {@link #MOUNT}; made, never started. Its name is returned.
     *
     * @param serverImage the server's image, which the node has: the helper's image when the node has no helper image
     */
    String create(String hostname, DockerRuntime engine, UUID serverId, String serverImage, Path dir, String role, Deadline deadline) {
        return make(hostname, engine, serverId, serverImage, role, deadline, dir, MOUNT, List.of("true"));
    }

    private String make(String hostname, DockerRuntime engine, UUID serverId, String serverImage, String role, Deadline deadline,
                        Path dir, String mount, List<String> entrypoint) {
        String image = imageFor(hostname, engine, serverId, serverImage, deadline);
        String name = "raptor-transfer-" + role + "-" + serverId + "-" + UUID.randomUUID().toString().substring(0, 8);
        live.add(name); // before it exists: a collection running meanwhile must never take it
        // The create runs to the engine's answer on a thread of its own, under its own deadline: a create abandoned at the
        // caller's deadline (or by an interrupt) can still land at a busy engine after a removal by name has found
        // nothing, and leave its helper behind. The caller waits for the answer within its deadline; past it, the helper
        // is removed as soon as the engine answers.
        CompletableFuture<String> creating = new CompletableFuture<>();
        Thread.ofVirtual().name("helper-create-" + serverId).start(() -> {
            try {
                creating.complete(engine.engineCall("transfer", serverId, Deadline.in(CALL), c -> c.createContainerCmd(image)
                        .withName(name)
                        .withLabels(labels(serverId))
                        .withEntrypoint(entrypoint)
                        .withCmd(List.of())
                        .withNetworkDisabled(true)
                        .withHostConfig(HostConfig.newHostConfig().withBinds(new Bind(dir.toString(), new Volume(mount))))
                        .exec().getId()));
            } catch (Throwable t) {
                creating.completeExceptionally(t);
            }
        });
        try {
            creating.get(Math.max(1, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof EngineException.NotFound imageGone) {
                imageOn.remove(hostname); // removed behind our back: pulled again next time
                live.remove(name);
                throw imageGone;
            }
            if (failed.getCause() instanceof EngineException.Timeout) {
                // the engine did not answer within the create's own deadline: it may still make the helper
                removeAgainLater(engine, serverId, name);
            } else {
                live.remove(name); // the engine refused it: there is nothing to remove
            }
            throw failed.getCause() instanceof RuntimeException r ? r : new IllegalStateException(failed.getCause());
        } catch (TimeoutException | InterruptedException gaveUp) {
            if (gaveUp instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            creating.whenComplete((id, error) -> {
                if (error instanceof EngineException.Timeout) {
                    removeAgainLater(engine, serverId, name);
                } else if (error == null) {
                    Thread.ofVirtual().name("helper-remove-" + serverId).start(() -> removeNow(engine, serverId, name));
                } else {
                    live.remove(name);
                }
            });
            throw new EngineException.Timeout(serverId, "transfer", "no helper on " + hostname + " before the deadline; the one"
                    + " being made is removed once the engine answers", gaveUp instanceof InterruptedException ie ? ie : null);
        }
        return name;
    }

    /**
     * A create the engine never answered may land late: its helper is removed by name now and once more after
     * {@link #LATE_CREATE}, and a collection takes anything later still.
     */
    private void removeAgainLater(DockerRuntime engine, UUID serverId, String name) {
        Thread.ofVirtual().name("helper-remove-" + serverId).start(() -> {
            removeNow(engine, serverId, name);
            live.add(name); // kept from a collection until the second removal
            try {
                Thread.sleep(LATE_CREATE);
            } catch (InterruptedException e) {
                live.remove(name);
                return;
            }
            removeNow(engine, serverId, name);
        });
    }

    /**
     * Removes a helper (quietly: a leftover is collected later) and forgets it. A clean-up: on a thread that is
     * interrupted (an operation cancelled in the middle, which may interrupt it again) the removal is handed to a thread
     * of its own instead of failing.
     */
    void remove(DockerRuntime engine, UUID serverId, String name) {
        if (Thread.currentThread().isInterrupted()) {
            Thread.ofVirtual().name("helper-remove-" + serverId).start(() -> removeNow(engine, serverId, name));
            return;
        }
        removeNow(engine, serverId, name);
    }

    private void removeNow(DockerRuntime engine, UUID serverId, String name) {
        try {
            engine.engineCall("transfer", serverId, Deadline.in(CALL), c -> {
                c.removeContainerCmd(name).withForce(true).exec();
                return null;
            });
            live.remove(name);
        } catch (EngineException.NotFound gone) {
            live.remove(name);
        } catch (EngineException e) {
            if (Thread.currentThread().isInterrupted()) {
                // interrupted while removing it: again, where no interrupt reaches
                Thread.ofVirtual().name("helper-remove-" + serverId).start(() -> removeNow(engine, serverId, name));
                return;
            }
            live.remove(name);
            log.warn("server={} helper {} could not be removed (collected later): {}", serverId, name, e.getMessage());
        }
    }

    /**
     * Makes {@code dir} exist on node {@code hostname} (a service's bind mount needs its source there, and raptord makes
     * data directories on its own machine only): a helper with it bind-mounted, given an empty archive (the engine
     * makes a missing bind source as it mounts it), then removed.
     */
    void ensureDirectory(String hostname, DockerRuntime engine, UUID serverId, String serverImage, Path dir, Deadline deadline) {
        String name = create(hostname, engine, serverId, serverImage, dir, "volume", deadline);
        try {
            engine.engineCall("create", serverId, deadline, c -> {
                c.copyArchiveToContainerCmd(name).withRemotePath(MOUNT)
                        .withTarInputStream(new ByteArrayInputStream(new byte[1024])).exec(); // two zero blocks: an empty tar
                return null;
            });
        } finally {
            remove(engine, serverId, name);
        }
    }

    /**
     * Removes {@code dir} and everything under it on node {@code hostname}: a helper with its parent bind-mounted runs
     * {@code rm -rf -- <dir>} (its entrypoint: no shell) to its end. Nothing of the server's image is needed, unless the
     * node has no helper image: then {@code serverImage} must have {@code rm}.
     *
     * @throws IllegalStateException when {@code rm} fails
     */
    void removeDirectory(String hostname, DockerRuntime engine, UUID serverId, String serverImage, Path dir, Duration within) {
        Deadline deadline = Deadline.in(within);
        String root = "/raptor-volumes";
        String name = make(hostname, engine, serverId, serverImage, "remove", deadline, dir.getParent(), root,
                List.of("rm", "-rf", "--", root + "/" + dir.getFileName()));
        boolean started = false;
        boolean handedOff = false;
        try {
            engine.engineCall("transfer", serverId, deadline, c -> {
                c.startContainerCmd(name).exec();
                return null;
            });
            started = true;
            Integer code = awaitExit(engine, serverId, name, deadline);
            if (code == null || code != 0) {
                throw new IllegalStateException("removing " + dir + " on node " + hostname + " failed (rm exited " + code + ")");
            }
            log.info("server={} its files on node={} ({}) are removed", serverId, hostname, dir);
        } catch (EngineException.Timeout slow) {
            if (!started) {
                throw slow;
            }
            // a large tree takes its time: rm goes on, and its helper goes once it ends (never killed half-way)
            handedOff = true;
            Thread.ofVirtual().name("helper-rm-" + serverId).start(() -> {
                try {
                    Integer code = awaitExit(engine, serverId, name, Deadline.in(BACKGROUND));
                    log.info("server={} its files on node={} ({}) removed in the background (rm exited {})", serverId, hostname, dir, code);
                } catch (RuntimeException e) {
                    log.warn("server={} removing its files on node={} ({}) in the background: {}", serverId, hostname, dir, e.getMessage());
                } finally {
                    remove(engine, serverId, name);
                }
            });
            throw new IllegalStateException("removing " + dir + " on node " + hostname + " was still going after "
                    + within.toSeconds() + " s; it goes on in the background");
        } finally {
            if (!handedOff) {
                remove(engine, serverId, name);
            }
        }
    }

    private static Integer awaitExit(DockerRuntime engine, UUID serverId, String name, Deadline deadline) {
        return engine.engineCall("transfer", serverId, deadline, c -> c.waitContainerCmd(name).start().awaitStatusCode());
    }

    /**
     * Starts a {@link #collect} on a thread of its own when one is due and none runs: the caller (a listing of servers)
     * never waits for a node that does not answer.
     */
    void collectSoon(Map<String, DockerRuntime> engines) {
        long t = System.nanoTime();
        if (lastCollect != Long.MIN_VALUE && t - lastCollect < COLLECT_EVERY.toNanos() || !collecting.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("helper-collect").start(() -> {
            try {
                collect(engines, true);
            } catch (RuntimeException e) {
                log.warn("leftover helpers not collected now: {}", e.getMessage());
            } finally {
                collecting.set(false);
            }
        });
    }

    /**
     * Removes, on every node's engine in {@code engines}, the helpers of this runtime's node label it is not using
     * now: those a raptord that stopped in the middle of a transfer left. At most once a {@link #COLLECT_EVERY} unless
     * {@code now}; a node that does not answer is skipped (its leftovers go next time).
     *
     * @return how many were removed
     */
    int collect(Map<String, DockerRuntime> engines, boolean now) {
        long t = System.nanoTime();
        if (!now && lastCollect != Long.MIN_VALUE && t - lastCollect < COLLECT_EVERY.toNanos()) {
            return 0;
        }
        lastCollect = t;
        int removed = 0;
        for (Map.Entry<String, DockerRuntime> node : engines.entrySet()) {
            DockerRuntime engine = node.getValue();
            List<Container> found;
            try {
                found = engine.engineCall("collect", null, Deadline.in(Duration.ofSeconds(10)),
                        c -> c.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL)).exec());
            } catch (EngineException e) {
                log.debug("node={} helpers not collected now: {}", node.getKey(), e.getMessage());
                continue;
            }
            for (Container c : found) {
                Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
                boolean ours = config.node() == null ? !labels.containsKey(RuntimeLabels.NODE) : config.node().equals(labels.get(RuntimeLabels.NODE));
                String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
                if (!ours || live.contains(name)) {
                    continue;
                }
                try {
                    engine.engineCall("collect", null, Deadline.in(CALL), cl -> {
                        cl.removeContainerCmd(c.getId()).withForce(true).exec();
                        return null;
                    });
                    removed++;
                    log.info("node={} helper {} of server={} left by an earlier run is removed", node.getKey(), name, labels.get(LABEL));
                } catch (EngineException.NotFound gone) {
                    // removed meanwhile
                } catch (EngineException e) {
                    log.warn("node={} leftover helper {} could not be removed: {}", node.getKey(), name, e.getMessage());
                }
            }
        }
        return removed;
    }
}
