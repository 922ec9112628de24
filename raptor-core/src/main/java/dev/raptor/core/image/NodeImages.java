package dev.raptor.core.image;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerSelection;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.StoredServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The images of this node: listed with the servers whose spec names them, pulled (with the credentials configured
 * for their registry), removed unless a server needs them, pruned, and made from a server's container (commit).
 * An image a stored server names counts as used even while that server has no container, so that neither a
 * remove nor a prune takes away what its next start needs.
 */
public final class NodeImages {
    private static final Logger log = LoggerFactory.getLogger(NodeImages.class);

    private final ServerFleet fleet;

    public NodeImages(ServerFleet fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** An image and the servers whose spec names it. */
    public record Listed(ImageInfo image, List<UUID> usedBy) {
        public Listed {
            usedBy = List.copyOf(usedBy);
        }
    }

    public List<Listed> list() {
        List<StoredServer> servers = fleet.store().list();
        List<Listed> out = new ArrayList<>();
        for (ImageInfo image : fleet.runtime().images(call())) {
            out.add(new Listed(image, usersOf(image, servers)));
        }
        return out;
    }

    /**
     * What a pull needs before it runs as an operation, checked at once so that the request is refused rather than
     * its operation failed: an image reference, and a runtime that holds images (the process runtime throws
     * {@link EngineException.NotSupported} here).
     *
     * @throws dev.raptor.core.validation.InvalidSpecException naming {@code image} when it is no image reference
     */
    public void checkPull(String reference) {
        requireReference(reference);
        fleet.runtime().inspectImage(reference, call());
    }

    /**
     * What a commit needs before it runs as an operation, checked at once: the server exists, has a container, and
     * its runtime holds images (asked about the image the server runs, which a runtime without images refuses with
     * {@link EngineException.NotSupported}).
     *
     * @throws ServerNotRunningException when the server has no container (it never started since its last change)
     */
    public void checkCommit(UUID serverId) {
        fleet.controller(serverId); // a server that does not exist is a 404
        String image = fleet.store().find(serverId).map(s -> s.spec().image()).orElse(null);
        if (ContainerSelection.of(serverId, fleet.runtime().find(serverId, call())).keep() == null) {
            throw new ServerNotRunningException(serverId);
        }
        fleet.runtime().inspectImage(image == null ? "scratch" : image, call());
    }

    /**
     * Pulls {@code reference} and answers the image. Blocking, at most {@code timeout}: run it as an operation.
     *
     * @throws IllegalArgumentException when the reference is not an image reference
     */
    public ImageInfo pull(String reference, Consumer<PullProgress> progress, Duration timeout) {
        requireReference(reference);
        ImageInfo image = fleet.runtime().pullImage(reference, progress, Deadline.in(timeout));
        log.atInfo().addKeyValue("image", reference).addKeyValue("id", image.id()).log("image pulled");
        return image;
    }

    /**
     * Removes the image {@code reference} names.
     *
     * @throws ImageInUseException         when a server's spec names it or a container uses it
     * @throws EngineException.NotFound    when there is no such image
     */
    public void remove(String reference) {
        requireReference(reference);
        ImageInfo image = fleet.runtime().inspectImage(reference, call())
                .orElseThrow(() -> new EngineException.NotFound(null, "removeImage", "no image " + reference + " on this node", null));
        List<StoredServer> servers = fleet.store().list();
        // One tag of an image that has others only loses that tag: only servers naming that tag need it.
        String wanted = ImageReference.normalize(reference);
        boolean oneTagOfSeveral = image.tags().size() > 1 && image.tags().stream().map(ImageReference::normalize).anyMatch(wanted::equals);
        List<UUID> users = oneTagOfSeveral
                ? servers.stream().filter(s -> s.spec().image() != null && ImageReference.normalize(s.spec().image()).equals(wanted))
                .map(StoredServer::id).toList()
                : usersOf(image, servers);
        if (!users.isEmpty()) {
            throw new ImageInUseException(reference, users, "the spec of server" + (users.size() == 1 ? " " : "s ") + join(users)
                    + " names it");
        }
        try {
            fleet.runtime().removeImage(reference, call());
        } catch (EngineException.Conflict e) {
            throw new ImageInUseException(reference, List.of(), e.getMessage());
        }
    }

    /**
     * Removes every image no server's spec names and no container uses (the engine refuses those), optionally
     * only those carrying all of {@code labels}.
     */
    public PruneReport prune(Map<String, String> labels) {
        List<StoredServer> servers = fleet.store().list();
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        for (ImageInfo image : fleet.runtime().images(call())) {
            if (!image.labels().entrySet().containsAll(labels.entrySet()) || !usersOf(image, servers).isEmpty()) {
                continue;
            }
            try {
                fleet.runtime().removeImage(image.id(), call());
                removed.addAll(image.tags().isEmpty() ? List.of(image.id()) : image.tags());
                bytes += image.sizeBytes();
            } catch (EngineException.Conflict | EngineException.NotFound e) {
                // a container uses it (or it went meanwhile): not unused after all
            }
        }
        log.atInfo().addKeyValue("images", removed.size()).addKeyValue("bytes", bytes).log("images pruned");
        return new PruneReport(removed, bytes);
    }

    /**
     * Makes an image of the server's container as it is now (its files included), running or not.
     *
     * @throws ServerNotRunningException when the server has no container (it never started since its last change)
     */
    public ImageInfo commit(UUID serverId, CommitRequest request, Duration timeout) {
        fleet.controller(serverId); // a server that does not exist is a 404, not an empty container list
        ContainerSelection found = ContainerSelection.of(serverId, fleet.runtime().find(serverId, call()));
        ContainerInfo keep = found.keep();
        if (keep == null) {
            throw new ServerNotRunningException(serverId);
        }
        ContainerRef ref = keep.ref();
        ImageInfo image = fleet.runtime().commit(ref, request, Deadline.in(timeout));
        fleet.store().appendActivity(serverId, "commit", "committed the container as " + request.reference() + " (" + image.id() + ")"
                + (request.pause() ? ", paused while copied" : ""), Map.of("image", request.reference(), "id", image.id()));
        return image;
    }

    private static List<UUID> usersOf(ImageInfo image, List<StoredServer> servers) {
        return servers.stream().filter(s -> image.isNamedBy(s.spec().image())).map(StoredServer::id).toList();
    }

    private static void requireReference(String reference) {
        if (!ImageReference.isValid(reference)) {
            throw new dev.raptor.core.validation.InvalidSpecException("image",
                    "must be an image reference such as ghcr.io/org/game:1.2 (was '" + reference + "')");
        }
    }

    private static String join(List<UUID> ids) {
        return String.join(", ", ids.stream().map(UUID::toString).toList());
    }

    private Deadline call() {
        return Deadline.in(fleet.settings().engineTimeout());
    }
}
