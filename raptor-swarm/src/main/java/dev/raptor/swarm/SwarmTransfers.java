package dev.raptor.swarm;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.Volume;
import dev.raptor.core.node.NodeTransfers;
import dev.raptor.core.node.PendingRemoval;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.docker.DockerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Moving a server between swarm nodes with its files, through the nodes' own engines: nothing but the engine each
 * node already exposes to raptord ({@code RAPTOR_SWARM_NODES}) is needed there.
 *
 * <p>On each node a helper container ({@link NodeHelpers}: the runtime's helper image, never the server's) is made, never
 * started, with the server's data
 * directory on that node bind-mounted; the Engine API's archive endpoints read the source's files as a tar stream
 * ({@code GET /containers/{id}/archive}) and write them into the target's ({@code PUT}), raptord passing the stream
 * from one to the other ({@link VolumeStream}: it re-packs each entry and takes a SHA-256 of what it carried). A copy
 * that breaks is resumed once the target's engine answers again: files the target holds whole are not sent again. The
 * target's files are then read back the same way and must give the same digest before anything else changes. Only
 * then is the service pinned to the target (placement constraint, node label, its mount on that node), with 0
 * replicas so the swarm starts nothing by itself; the controller starts it there. A rollback pins it back and drops the
 * target's copy; the source's copy is removed last, once the server is on the target. Removing a copy runs {@code rm}
 * as a helper's entrypoint ({@link NodeHelpers#removeDirectory}): nothing of the server's image is needed, not even a
 * shell. Deleting a server removes its files on its node the same way ({@link #removeFiles}), later if the node is down.
 */
final class SwarmTransfers implements NodeTransfers {
    private static final Logger log = LoggerFactory.getLogger(SwarmTransfers.class);
    private static final String HELPER_MOUNT = NodeHelpers.MOUNT;
    /** The file a transfer writes in a node's volumes directory to learn whether the target sees the same one. */
    static final String PROBE = ".raptor-transfer-probe";
    /** A guard against a copy that hangs, not a measure of one: a copy of a large world over a slow link takes hours. */
    private static final Duration COPY = Duration.ofHours(12);
    private static final Duration CALL = Duration.ofSeconds(60);
    /** Copies of one transfer, the first and those resuming it after a broken connection. */
    private static final int ATTEMPTS = 3;
    /** How long a resume waits for the target's engine to answer again. */
    private static final Duration RESUME_WAIT = Duration.ofMinutes(2);
    /** How long a server may take to come up on the target before the transfer is rolled back. */
    private static final Duration READY_WITHIN = Duration.ofMinutes(10);

    private final SwarmRuntime runtime;

    SwarmTransfers(SwarmRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String nodeOf(UUID serverId, Deadline deadline) {
        Service s = runtime.serviceOf(serverId, deadline);
        return s == null ? null : SwarmRuntime.labelsOf(s).get(ServiceBlueprint.NODE_LABEL);
    }

    /** The node the server is placed on, its volume and its image (from its service); null when it was never placed. */
    @Override
    public PendingRemoval.Target filesOf(UUID serverId, Instant generation, Path dataDir, Deadline deadline) {
        Service service = runtime.serviceOf(serverId, deadline);
        String node = service == null ? null : SwarmRuntime.labelsOf(service).get(ServiceBlueprint.NODE_LABEL);
        if (node == null) {
            return null;
        }
        return new PendingRemoval.Target(serverId, generation, node, dataDir.toString(), imageOf(service), null);
    }

    /**
     * Removes a deleted server's files on their node, through that node's engine (a helper running {@code rm}; the
     * server's task is stopped, its service may be gone).
     */
    @Override
    public void removeFiles(PendingRemoval.Target target, Deadline deadline) {
        runtime.helpers().removeDirectory(target.node(), runtime.engineOn(target.node()), target.serverId(), target.image(),
                runtime.config().dataDirOn(target.node(), Path.of(target.volume())), deadline.remaining());
    }

    private static String imageOf(Service service) {
        return service.getSpec().getTaskTemplate().getContainerSpec().getImage();
    }

    @Override
    public Transfer prepare(UUID serverId, Path dataDir, String from, String to, Consumer<OperationProgress> progress) {
        return new Move(serverId, dataDir, from, to, progress);
    }

    private final class Move implements Transfer {
        private final UUID serverId;
        private final Path dataDir;
        private final String from;
        private final String to;
        private final Consumer<OperationProgress> progress;
        private final Map<String, String> facts = new LinkedHashMap<>();
        /** Whether the target holds a copy of ours (to drop on a rollback). */
        private volatile boolean copied;
        private volatile boolean pinned;
        /** The server's image: what its helpers are made of on a node that has no helper image. */
        private volatile String image;

        Move(UUID serverId, Path dataDir, String from, String to, Consumer<OperationProgress> progress) {
            this.serverId = serverId;
            this.dataDir = dataDir;
            this.from = from;
            this.to = to;
            this.progress = progress;
        }

        @Override
        public Duration readyWithin() {
            return READY_WITHIN;
        }

        @Override
        public void run() throws Exception {
            Service service = runtime.serviceOf(serverId, Deadline.in(CALL));
            if (service == null) {
                throw new IllegalStateException("server " + serverId + " has no service on the swarm: nothing to move");
            }
            image = imageOf(service);
            DockerRuntime source = runtime.engineOn(from);
            DockerRuntime target = runtime.engineOn(to);
            try {
                NodeHelpers.ensureImage(target, to, serverId, image, Deadline.in(COPY));
            } catch (EngineException.NotFound missing) {
                throw new IllegalStateException("node " + to + " does not have the server's image " + image
                        + " and cannot pull it: " + missing.getMessage());
            }
            Path sourceDir = runtime.config().dataDirOn(from, dataDir);
            Path targetDir = runtime.config().dataDirOn(to, dataDir);
            if (sourceDir.equals(targetDir) && sharedDisk(source, target, sourceDir.getParent())) {
                // the copy would land on the files it reads, and removing the source would remove the server's only copy
                throw new IllegalStateException("nodes " + from + " and " + to + " keep servers' data in the same directory ("
                        + sourceDir.getParent() + "), on a disk they share: nothing to move. Give each node a directory of its "
                        + "own (RAPTOR_SWARM_VOLUMES, e.g. " + to + "=/srv/raptor/volumes) to move servers between them");
            }
            // the target starts empty: what an earlier transfer there left (a daemon that stopped in the middle) goes
            remove(to);
            String sourceHelper = helper(from, sourceDir, "source");
            try {
                String targetHelper = helper(to, targetDir, "target");
                try {
                    progress.accept(new OperationProgress("copying", 0, -1, 0, -1, 0));
                    copied = true;
                    VolumeStream.Digest sent = copyResuming(source, sourceHelper, target, targetHelper);
                    progress.accept(new OperationProgress("verifying", sent.bytes(), sent.bytes(), sent.files(), sent.files(), 0));
                    VolumeStream.Digest arrived = target.engineCall("transfer", serverId, Deadline.in(COPY), c -> {
                        try (InputStream tar = c.copyArchiveFromContainerCmd(targetHelper, HELPER_MOUNT).exec()) {
                            return VolumeStream.digest(tar);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    if (!sent.sha256().equals(arrived.sha256())) {
                        throw new IllegalStateException("the files on node " + to + " are not those sent from node " + from
                                + " (sha256 " + sent.sha256() + " sent, " + arrived.sha256() + " arrived): nothing was changed");
                    }
                    facts.put("sha256", sent.sha256());
                    facts.put("bytes", Long.toString(sent.bytes()));
                    facts.put("files", Long.toString(sent.files()));
                    log.info("server={} files copied from node={} to node={} and verified bytes={} files={} sha256={}", serverId, from, to,
                            sent.bytes(), sent.files(), sent.sha256());
                } finally {
                    removeHelper(to, targetHelper);
                }
            } finally {
                removeHelper(from, sourceHelper);
            }
            progress.accept(new OperationProgress("switching", 0, -1, 0, -1, 0));
            runtime.awaitTrusted(to, Deadline.in(RESUME_WAIT)); // a target that restarted during the copy settles first
            pin(to);
            pinned = true;
        }

        @Override
        public void rollBack(String reason) throws Exception {
            log.warn("server={} transfer from node={} to node={} rolled back: {}", serverId, from, to, reason);
            if (pinned) {
                pin(from);
                pinned = false;
            }
            if (copied) {
                // the source's files were never touched; the target's half or whole copy goes
                removeQuietly(to);
            }
        }

        @Override
        public void removeSource() throws Exception {
            remove(from);
        }

        @Override
        public Map<String, String> facts() {
            return Map.copyOf(facts);
        }

        /**
         * Copies, and when the copy breaks (a connection to either engine, either engine restarting) copies again, up to
         * {@link #ATTEMPTS} times, once the target's engine answers: the files the target already holds whole (their
         * header as the source's: size, mode, owner, time) are not sent again.
         */
        private VolumeStream.Digest copyResuming(DockerRuntime source, String sourceHelper, DockerRuntime target,
                                                 String targetHelper) throws Exception {
            Set<String> present = Set.of();
            for (int attempt = 1; ; attempt++) {
                try {
                    VolumeStream.Digest d = copy(source, sourceHelper, target, targetHelper, present);
                    facts.put("attempts", Integer.toString(attempt));
                    // what the last attempt sent: less than the files' size when it resumed a broken copy
                    facts.put("bytesSentLastAttempt", Long.toString(d.sentBytes()));
                    return d;
                } catch (Exception broken) {
                    if (attempt >= ATTEMPTS) {
                        throw broken;
                    }
                    log.warn("server={} copy from node={} to node={} broke (attempt {} of {}): {}; resuming", serverId, from, to,
                            attempt, ATTEMPTS, broken.getMessage());
                    progress.accept(new OperationProgress("resuming", 0, -1, 0, -1, 0));
                    present = whatTheTargetHas(target, targetHelper);
                }
            }
        }

        /** The files the target holds now, asked again until its engine answers (it may be restarting). */
        private Set<String> whatTheTargetHas(DockerRuntime target, String targetHelper) throws InterruptedException {
            Deadline deadline = Deadline.in(RESUME_WAIT);
            while (true) {
                try {
                    return target.engineCall("transfer", serverId, Deadline.in(COPY), c -> {
                        try (InputStream tar = c.copyArchiveFromContainerCmd(targetHelper, HELPER_MOUNT).exec()) {
                            return VolumeStream.files(tar);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                } catch (EngineException | java.io.UncheckedIOException away) {
                    if (answers(target)) {
                        throw away; // the engine is there and refuses: waiting changes nothing
                    }
                    if (deadline.expired()) {
                        throw new IllegalStateException("node " + to + "'s engine did not answer again within "
                                + RESUME_WAIT.toSeconds() + " s to resume the copy: " + away.getMessage(), away);
                    }
                    Thread.sleep(500);
                }
            }
        }

        /**
         * Whether {@code root} on the two nodes is one directory (both see this machine's disk, as the test swarm's nodes
         * do): a probe file written there through the source's engine, looked for through the target's. The probe is
         * one small file, {@value #PROBE}, overwritten by each transfer.
         */
        private boolean sharedDisk(DockerRuntime source, DockerRuntime target, Path root) throws IOException {
            String token = UUID.randomUUID().toString();
            byte[] body = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
            try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tar)) {
                var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(HELPER_MOUNT.substring(1) + "/" + PROBE);
                entry.setSize(body.length);
                out.putArchiveEntry(entry);
                out.write(body);
                out.closeArchiveEntry();
            }
            String writer = helper(from, root, "probe");
            try {
                source.engineCall("transfer", serverId, Deadline.in(CALL), c -> {
                    c.copyArchiveToContainerCmd(writer).withRemotePath("/")
                            .withTarInputStream(new java.io.ByteArrayInputStream(tar.toByteArray())).exec();
                    return null;
                });
            } finally {
                removeHelper(from, writer);
            }
            String reader = helper(to, root, "probe");
            try {
                return target.engineCall("transfer", serverId, Deadline.in(CALL), c -> {
                    try (InputStream in = c.copyArchiveFromContainerCmd(reader, HELPER_MOUNT + "/" + PROBE).exec();
                         var entries = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
                        return entries.getNextEntry() != null
                                && token.equals(new String(entries.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (EngineException.NotFound notThere) {
                return false;
            } finally {
                removeHelper(to, reader);
            }
        }

        /** Whether {@code engine} answers a ping now. */
        private boolean answers(DockerRuntime engine) {
            try {
                engine.engineCall("transfer", serverId, Deadline.in(Duration.ofSeconds(5)), c -> c.pingCmd().exec());
                return true;
            } catch (EngineException e) {
                return false;
            }
        }

        private VolumeStream.Digest copy(DockerRuntime source, String sourceHelper, DockerRuntime target, String targetHelper,
                                         Set<String> present) throws Exception {
            PipedInputStream toTarget = new PipedInputStream(1 << 20);
            PipedOutputStream out = new PipedOutputStream(toTarget);
            AtomicReference<VolumeStream.Digest> sent = new AtomicReference<>();
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().name("transfer-read-" + serverId).start(() -> {
                try (out) {
                    sent.set(source.engineCall("transfer", serverId, Deadline.in(COPY), c -> {
                        try (InputStream tar = c.copyArchiveFromContainerCmd(sourceHelper, HELPER_MOUNT).exec()) {
                            return VolumeStream.repack(tar, out, present, (bytes, files) ->
                                    progress.accept(new OperationProgress("copying", bytes, -1, files, -1, 0)));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
                } catch (Throwable t) {
                    readFailure.set(t);
                }
            });
            try {
                target.engineCall("transfer", serverId, Deadline.in(COPY), c -> {
                    c.copyArchiveToContainerCmd(targetHelper).withRemotePath("/").withTarInputStream(toTarget).exec();
                    return null;
                });
            } finally {
                toTarget.close(); // a reader still writing ends with a broken pipe instead of waiting forever
                reader.join();
            }
            if (readFailure.get() != null) {
                throw new IllegalStateException("reading the files on node " + from + " failed: " + readFailure.get().getMessage(),
                        readFailure.get());
            }
            return sent.get();
        }

        /** A helper container on {@code node} with {@code dir} at {@link NodeHelpers#MOUNT}; made, never started. */
        private String helper(String node, Path dir, String role) {
            return runtime.helpers().create(node, runtime.engineOn(node), serverId, image, dir, role, Deadline.in(CALL));
        }

        private void removeHelper(String node, String name) {
            runtime.helpers().remove(runtime.engineOn(node), serverId, name);
        }

        private void removeQuietly(String node) {
            try {
                remove(node);
            } catch (Exception e) {
                log.warn("server={} its copy on node={} could not be removed: {}", serverId, node, e.getMessage());
            }
        }

        /** Removes the server's data directory on {@code node}, through that node's engine. */
        private void remove(String node) {
            runtime.helpers().removeDirectory(node, runtime.engineOn(node), serverId, image, runtime.config().dataDirOn(node, dataDir), COPY);
        }

        /** Pins the service to {@code node}: constraint, node labels and its data mount there; 0 replicas. */
        private void pin(String node) {
            runtime.updateService(serverId, "transfer", Deadline.in(CALL), (ServiceSpec spec) -> {
                Map<String, String> labels = new LinkedHashMap<>(spec.getLabels());
                labels.put(ServiceBlueprint.NODE_LABEL, node);
                spec.withLabels(labels);
                var task = spec.getTaskTemplate();
                var container = task.getContainerSpec();
                Map<String, String> containerLabels = new LinkedHashMap<>(container.getLabels() == null ? Map.of() : container.getLabels());
                containerLabels.put(ServiceBlueprint.NODE_LABEL, node);
                container.withLabels(containerLabels);
                List<Mount> mounts = new ArrayList<>();
                for (Mount m : container.getMounts() == null ? List.<Mount>of() : container.getMounts()) {
                    mounts.add(ServerSpec.DATA_MOUNT.equals(m.getTarget())
                            ? m.withSource(runtime.config().dataDirOn(node, dataDir).toString()) : m);
                }
                container.withMounts(mounts);
                task.withPlacement(new ServicePlacement().withConstraints(List.of("node.hostname==" + node)));
                spec.withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(0)));
                return spec;
            });
            log.info("server={} pinned to node={}", serverId, node);
        }
    }
}
