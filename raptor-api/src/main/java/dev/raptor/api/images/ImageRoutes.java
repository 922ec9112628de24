package dev.raptor.api.images;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.image.NodeImages;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.image.ImageList;
import dev.raptor.wire.image.ImagePruneDocument;
import dev.raptor.wire.image.ImagePruneRequest;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The node's images: {@code GET /images}, {@code DELETE /images/{ref}} (409 while a server's spec names it or a container
 * uses it) and {@code POST /images/prune}. Pulls and commits are long work: {@link ImageOperations}.
 */
public final class ImageRoutes {
    private final NodeImages images;
    private final ApiSettings settings;

    public ImageRoutes(NodeImages images, ApiSettings settings) {
        this.images = images;
        this.settings = settings;
    }

    public void list(Context ctx) {
        Responses.json(ctx, 200, new ImageList(images.list().stream().map(l -> ImageDocument.of(l.image(), l.usedBy())).toList()));
    }

    /**
     * {@code {ref}} is a reference ({@code raptor-test/gameserver:1}, its {@code /} written {@code %2F} as a path
     * segment needs) or an image id ({@code sha256:…}, or its first 12 digits or more).
     */
    public void remove(Context ctx) {
        String ref = URLDecoder.decode(ctx.pathParam("ref"), StandardCharsets.UTF_8);
        images.remove(ref);
        ctx.status(204);
    }

    /** An {@link ImagePruneRequest}; 200 with what went. */
    public void prune(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        Map<String, String> labels = r.stringMap("labels");
        r.rejectUnknown(ImagePruneRequest.FIELDS, Set.of());
        problems.throwIfAny();
        if (labels != null && labels.isEmpty() && body.has("labels")) {
            throw ProblemException.invalidParameter("labels", "must name at least one label, or be left out to prune every unused image");
        }
        Responses.json(ctx, 200, ImagePruneDocument.of(images.prune(labels == null ? Map.of() : labels)));
    }
}
