package dev.raptor.swarm;

import dev.raptor.docker.DockerRuntimeConfig;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a swarm: its manager's engine (services, tasks and nodes are asked there) and the engine of each
 * node (a task's console, stdin, signals, logs and stats are asked of the engine that runs it).
 *
 * @param manager     the engine of a swarm manager, {@code unix:///...} or {@code tcp://host:port}
 * @param nodeEngines each node's engine by the node's hostname as the swarm knows it ({@code docker node ls}); a
 *                    node missing here is never chosen for a server
 * @param node        the Raptor node label, as on the Docker runtime: services and their containers are labelled
 *                    {@code dev.raptor.node=<node>} and only those are seen; null = only those without one
 * @param nodeVolumes where servers' data directories are on a node, by the node's hostname
 *                    ({@code RAPTOR_SWARM_VOLUMES}); a node missing here keeps them at the same path as the machine
 *                    raptord runs on ({@code <volumes root>/<server id>})
 * @param helperImage the image of the short-lived helper containers the runtime makes on a node to reach a server's
 *                    files there (transfers, removing a node's copy): never the server's own image, which may lack a
 *                    shell or {@code rm}. It must have {@code rm} on its {@code PATH} (any busybox or distribution image
 *                    does); a node that lacks it pulls it. Default {@value #DEFAULT_HELPER_IMAGE}
 * @param tlsCertPath where the client certificate for {@code tcp://} engines that require TLS is ({@code ca.pem},
 *                    {@code cert.pem}, {@code key.pem}, as {@code DOCKER_CERT_PATH} holds them): every {@code tcp://}
 *                    engine, manager and nodes, is then reached over TLS; Unix sockets stay as they are. Null = plain TCP
 */
public record SwarmRuntimeConfig(URI manager, Map<String, URI> nodeEngines, String node, Map<String, Path> nodeVolumes,
                                 String helperImage, Path tlsCertPath) {
    /** The helper image when none is configured. */
    public static final String DEFAULT_HELPER_IMAGE = "busybox:1.36";

    /** Every node keeps servers' data at the same path as the machine raptord runs on. */
    public SwarmRuntimeConfig(URI manager, Map<String, URI> nodeEngines, String node) {
        this(manager, nodeEngines, node, Map.of());
    }

    /** With the default helper image. */
    public SwarmRuntimeConfig(URI manager, Map<String, URI> nodeEngines, String node, Map<String, Path> nodeVolumes) {
        this(manager, nodeEngines, node, nodeVolumes, DEFAULT_HELPER_IMAGE);
    }

    /** Plain TCP (or Unix sockets) to every engine. */
    public SwarmRuntimeConfig(URI manager, Map<String, URI> nodeEngines, String node, Map<String, Path> nodeVolumes, String helperImage) {
        this(manager, nodeEngines, node, nodeVolumes, helperImage, null);
    }

    public SwarmRuntimeConfig {
        Objects.requireNonNull(manager, "manager");
        DockerRuntimeConfig.of(manager.toString()); // the same addresses the docker runtime accepts, or its message
        nodeEngines = Map.copyOf(nodeEngines);
        nodeVolumes = nodeVolumes == null ? Map.of() : Map.copyOf(nodeVolumes);
        nodeVolumes.values().forEach(root -> {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("a node's volumes directory must be an absolute path: " + root);
            }
        });
        if (nodeEngines.isEmpty()) {
            throw new IllegalArgumentException("name at least one node engine: hostname=unix:///path or hostname=tcp://host:port");
        }
        nodeEngines.values().forEach(engine -> DockerRuntimeConfig.of(engine.toString()));
        if (node != null && node.isBlank()) {
            node = null;
        }
        helperImage = helperImage == null || helperImage.isBlank() ? DEFAULT_HELPER_IMAGE : helperImage.strip();
        if (tlsCertPath != null && !tlsCertPath.isAbsolute()) {
            throw new IllegalArgumentException("the engines' TLS directory must be an absolute path: " + tlsCertPath);
        }
    }

    /**
     * Parses the node list as {@code RAPTOR_SWARM_NODES} gives it: {@code hostname=engine,hostname=engine}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code hostname=engine}
     */
    public static Map<String, URI> parseNodes(String text) {
        Map<String, URI> nodes = new LinkedHashMap<>();
        if (text == null) {
            return nodes;
        }
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry.strip() + "' is not hostname=engine (e.g. worker-1=tcp://10.0.0.2:2375)");
            }
            nodes.put(entry.substring(0, eq).strip(), URI.create(entry.substring(eq + 1).strip()));
        }
        return nodes;
    }

    public SwarmRuntimeConfig withNode(String newNode) {
        return new SwarmRuntimeConfig(manager, nodeEngines, newNode, nodeVolumes, helperImage, tlsCertPath);
    }

    public SwarmRuntimeConfig withNodeVolumes(Map<String, Path> volumes) {
        return new SwarmRuntimeConfig(manager, nodeEngines, node, volumes, helperImage, tlsCertPath);
    }

    public SwarmRuntimeConfig withHelperImage(String image) {
        return new SwarmRuntimeConfig(manager, nodeEngines, node, nodeVolumes, image, tlsCertPath);
    }

    /** TLS with the client certificate in {@code certPath} to every {@code tcp://} engine. */
    public SwarmRuntimeConfig withTls(Path certPath) {
        return new SwarmRuntimeConfig(manager, nodeEngines, node, nodeVolumes, helperImage, certPath);
    }

    /** Where {@code dataDir} (raptord's {@code <volumes root>/<server id>}) is on {@code hostname}. */
    public Path dataDirOn(String hostname, Path dataDir) {
        Path root = nodeVolumes.get(hostname);
        Path normal = dataDir.toAbsolutePath().normalize();
        return root == null ? normal : root.resolve(normal.getFileName().toString());
    }

    /**
     * Parses {@code RAPTOR_SWARM_VOLUMES}: {@code hostname=/absolute/path,...}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code hostname=/absolute/path}
     */
    public static Map<String, Path> parseVolumes(String text) {
        Map<String, Path> volumes = new LinkedHashMap<>();
        if (text == null) {
            return volumes;
        }
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1 || !entry.substring(eq + 1).strip().startsWith("/")) {
                throw new IllegalArgumentException("'" + entry.strip() + "' is not hostname=/absolute/path (e.g. worker-1=/srv/raptor/volumes)");
            }
            volumes.put(entry.substring(0, eq).strip(), Path.of(entry.substring(eq + 1).strip()));
        }
        return volumes;
    }
}
