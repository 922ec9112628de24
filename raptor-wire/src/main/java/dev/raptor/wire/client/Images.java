package dev.raptor.wire.client;

import dev.raptor.wire.image.ImageList;
import dev.raptor.wire.image.ImagePruneDocument;
import dev.raptor.wire.image.ImagePruneRequest;
import dev.raptor.wire.image.ImagePullRequest;
import dev.raptor.wire.operation.OperationDocument;
import org.eclipse.jetty.http.HttpMethod;

import java.util.Map;

/** The node's images ({@code /images}): list, pull (an operation showing every layer's progress), remove, prune. */
public final class Images {
    private final RaptorClient client;

    Images(RaptorClient client) {
        this.client = client;
    }

    /** {@code GET /images}: every image of the node, with the servers whose spec names it. */
    public ImageList list() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, "/images"), ImageList.class, null);
    }

    /**
     * {@code POST /images/pull} without waiting: the pull's operation, still {@code pending}; read it again with
     * {@link OperationsClient#get} for every layer's progress ({@code progress}) and, once done, the image.
     *
     * @throws RaptorProblemException 400 for no image reference, 422 when the node's runtime has no images
     */
    public OperationDocument pull(String image) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, "/images/pull", new ImagePullRequest(image, false, null), "application/json"),
                OperationDocument.class, null);
    }

    /**
     * {@code DELETE /images/{ref}}: removes the image a reference or id names (one tag of several only loses that tag).
     *
     * @throws RaptorProblemException 404 when there is none, 409 while a server's spec names it or a container uses it
     */
    public void remove(String reference) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, "/images/" + DaemonHttp.segment(reference)), null);
    }

    /** {@code POST /images/prune}: removes every unused image (with {@code labels}, only those carrying them all). */
    public ImagePruneDocument prune(Map<String, String> labels) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, "/images/prune", new ImagePruneRequest(labels == null || labels.isEmpty() ? null : labels),
                "application/json"), ImagePruneDocument.class, client.settings().operationTimeout());
    }
}
