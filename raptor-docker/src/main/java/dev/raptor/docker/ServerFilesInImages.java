package dev.raptor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ServerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A server's files travel with the images made of it. A server's files live in its data directory, bind-mounted at
 * {@value ServerSpec#DATA_MOUNT}, and the engine's commit leaves bind mounts out; so {@link #commit} copies them into
 * the image, and {@link #seed} copies them out of such an image into the data directory of a new server made from it
 * (a bind mount would hide them otherwise), as the engine does for a named volume.
 *
 * <ul>
 *   <li><b>Commit</b>: the container is committed (paused first when asked, until the end), then a short-lived helper
 *       container of that image, with the data directory bound read-only at {@code /raptor-data}, copies it into
 *       {@value ServerSpec#DATA_MOUNT} ({@code cp -a}, as root), and the helper is committed with the configuration of
 *       the server's container (entrypoint, command, user, environment), its labels with Raptor's own emptied (the
 *       engine keeps every label of a committed container; an empty node label reads as none), plus
 *       {@value #FILES_LABEL}. The copying happens inside a container, so a link in the data directory is copied as a
 *       link and never followed into the host.</li>
 *   <li><b>Seed</b>: creating the container of a server whose data directory is empty from an image with
 *       {@value #FILES_LABEL}: a helper of the image, with the data directory bound at {@code /raptor-seed}, copies
 *       {@value ServerSpec#DATA_MOUNT} there first.</li>
 * </ul>
 * Both need {@code /bin/sh} and {@code cp} in the image (as a startup command does). Helpers are named
 * {@code raptor-helper-<uuid>}, labelled {@value #HELPER_LABEL} (never a server's label, so reconciliation ignores them),
 * run without a network, and are removed whatever happens.
 */
final class ServerFilesInImages {
    private static final Logger log = LoggerFactory.getLogger(ServerFilesInImages.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks an image that carries a server's files in {@value ServerSpec#DATA_MOUNT}. */
    static final String FILES_LABEL = "dev.raptor.server-files";
    /** Marks the short-lived containers of commit and seed. */
    static final String HELPER_LABEL = "dev.raptor.helper";

    private ServerFilesInImages() {
    }

    /**
     * Commits {@code containerId} as {@code request.reference()}, the server's files included; answers the image id.
     * Runs inside one engine call (its deadline interrupts it).
     */
    static String commit(EngineConnection.Clients clients, String containerId, Path dataDir, CommitRequest request, String node)
            throws Exception {
        DockerClient docker = clients.calls();
        boolean paused = false;
        if (request.pause() && Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getRunning())) {
            docker.pauseContainerCmd(containerId).exec();
            paused = true;
        }
        try {
            String base = docker.commitCmd(containerId).withPause(false).exec();
            JsonNode config = raw(clients, "GET", "/containers/" + enc(containerId) + "/json", null).path("Config");
            String helper = runHelper(clients, base, List.of(new Bind(dataDir.toString(), new Volume("/raptor-data"), AccessMode.ro)),
                    "mkdir -p " + ServerSpec.DATA_MOUNT + " && cp -a /raptor-data/. " + ServerSpec.DATA_MOUNT + "/", node);
            try {
                ObjectNode body = config.isObject() ? ((ObjectNode) config).deepCopy() : JSON.createObjectNode();
                // The engine's commit adds every label of the container to those of the body, so Raptor's own labels
                // cannot be left out, only emptied: an image must not claim a server, a spec or a node.
                ObjectNode labels = JSON.createObjectNode();
                raw(clients, "GET", "/containers/" + enc(helper) + "/json", null).path("Config").path("Labels").properties()
                        .forEach(e -> labels.put(e.getKey(), e.getKey().startsWith(ServerSpec.RESERVED_LABEL_PREFIX) ? "" : e.getValue().asText()));
                labels.put(FILES_LABEL, "true");
                body.set("Labels", labels);
                StringBuilder query = new StringBuilder("/commit?container=").append(enc(helper))
                        .append("&repo=").append(enc(request.repository()))
                        .append("&tag=").append(enc(request.tag() == null ? "latest" : request.tag()))
                        .append("&pause=false");
                if (request.message() != null) {
                    query.append("&comment=").append(enc(request.message()));
                }
                String id = raw(clients, "POST", query.toString(), JSON.writeValueAsBytes(body)).path("Id").asText(null);
                if (id == null) {
                    throw new IOException("the engine answered the commit without an image id");
                }
                return id;
            } finally {
                removeQuietly(docker, helper);
            }
        } finally {
            if (paused) {
                docker.unpauseContainerCmd(containerId).exec();
            }
        }
    }

    /**
     * Copies the server files {@code image} carries into {@code dataDir} when it is empty and the image is one
     * {@link #commit} made; nothing otherwise.
     *
     * @param knownLabels the image's labels when an inspect a moment ago said them ({@link RecentImageLabels}); empty: asked here
     * @return whether it copied
     */
    static boolean seed(EngineConnection.Clients clients, String image, Optional<Map<String, String>> knownLabels, Path dataDir,
                        String node) throws Exception {
        Map<String, String> labels;
        if (knownLabels.isPresent()) {
            labels = knownLabels.get();
        } else {
            try {
                var config = clients.calls().inspectImageCmd(image).exec().getConfig();
                labels = config == null || config.getLabels() == null ? Map.of() : config.getLabels();
            } catch (NotFoundException e) {
                return false; // create pulls it, or says it is missing
            }
        }
        if (!"true".equals(labels.get(FILES_LABEL)) || !isEmpty(dataDir)) {
            return false;
        }
        String helper = runHelper(clients, image, List.of(new Bind(dataDir.toString(), new Volume("/raptor-seed"), AccessMode.rw)),
                "if [ -d " + ServerSpec.DATA_MOUNT + " ]; then cp -a " + ServerSpec.DATA_MOUNT + "/. /raptor-seed/; fi", node);
        removeQuietly(clients.calls(), helper);
        log.atInfo().addKeyValue("image", image).addKeyValue("dataDir", dataDir).log("data directory seeded from the image's server files");
        return true;
    }

    /**
     * Creates, runs (as root, without a network) and awaits a helper container of {@code image} running {@code script};
     * answers its id, for the caller to commit or remove.
     *
     * @throws IOException when the script fails (the helper is removed then)
     */
    private static String runHelper(EngineConnection.Clients clients, String image, List<Bind> binds, String script, String node)
            throws Exception {
        DockerClient docker = clients.calls();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        labels.put(HELPER_LABEL, "true");
        if (node != null) {
            labels.put(RuntimeLabels.NODE, node);
        }
        String id = docker.createContainerCmd(image)
                .withName("raptor-helper-" + UUID.randomUUID())
                .withLabels(labels)
                .withEntrypoint("/bin/sh", "-c", script)
                .withCmd(List.of())
                .withUser("0")
                .withHostConfig(HostConfig.newHostConfig().withBinds(binds).withNetworkMode("none"))
                .exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            AtomicReference<Integer> code = new AtomicReference<>();
            AwaitedStream<WaitResponse> wait = new AwaitedStream<>(r -> code.set(r.getStatusCode()));
            clients.streams().waitContainerCmd(id).exec(wait);
            wait.await();
            if (code.get() == null || code.get() != 0) {
                throw new IOException("copying the server's files failed in a helper container of " + image
                        + " (exit code " + code.get() + "; the image needs /bin/sh and cp)");
            }
            return id;
        } catch (Exception e) {
            removeQuietly(docker, id);
            throw e;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            Iterator<Path> it = entries.iterator();
            return !it.hasNext();
        }
    }

    /** One engine request docker-java has no command for (commit with a full configuration), answered as JSON. */
    private static JsonNode raw(EngineConnection.Clients clients, String method, String path, byte[] body) throws IOException {
        DockerHttpClient.Request.Builder b = DockerHttpClient.Request.builder().method(method)
                .path("/v" + clients.apiVersion().getVersion() + path);
        if (body != null) {
            b.putHeader("Content-Type", "application/json").bodyBytes(body);
        }
        try (DockerHttpClient.Response r = clients.streamTransport().execute(b.build()); InputStream in = r.getBody()) {
            byte[] answer = in.readAllBytes();
            if (r.getStatusCode() / 100 != 2) {
                String message = new String(answer, StandardCharsets.UTF_8);
                try {
                    message = JSON.readTree(answer).path("message").asText(message);
                } catch (IOException notJson) {
                    // keep the raw text
                }
                throw new com.github.dockerjava.api.exception.DockerException(message, r.getStatusCode());
            }
            return answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
        }
    }

    private static void removeQuietly(DockerClient docker, String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("container", id).addKeyValue("error", e.toString()).log("could not remove a helper container");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
