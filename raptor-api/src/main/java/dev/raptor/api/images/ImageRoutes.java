package dev.raptor.api.images;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.WaitPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageReference;
import dev.raptor.core.image.NodeImages;
import dev.raptor.core.image.PullTally;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.image.CommitRequestDocument;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.image.ImageList;
import dev.raptor.wire.image.ImagePruneDocument;
import dev.raptor.wire.image.ImagePruneRequest;
import dev.raptor.wire.image.ImagePullRequest;
import dev.raptor.wire.json.JsonObjectReader;
import io.javalin.http.Context;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The node's images: {@code GET /images}, {@code DELETE /images/{ref}} (409 while a server's spec names it or a container
 * uses it) and {@code POST /images/prune}; pulls ({@code POST /images/pull}) and commits
 * ({@code POST /servers/{id}/commit}) are long work, so they are operations, answered like power actions (200 once
 * finished, 202 when the client does not wait or the wait runs out). What can be refused at once is, before any
 * operation starts: a bad reference (400), a runtime without images (422), a server without a container (409).
 */
public final class ImageRoutes {
    /** How long a pull or a commit may take at the most; the engine call is abandoned then. */
    static final Duration WORK_TIMEOUT = Duration.ofMinutes(30);

    private final NodeImages images;
    private final Operations operations;
    private final ApiSettings settings;

    public ImageRoutes(NodeImages images, Operations operations, ApiSettings settings) {
        this.images = images;
        this.operations = operations;
        this.settings = settings;
    }

    /** An {@link ImagePullRequest}; the operation shows every layer's progress while it runs, and the image once done. */
    public void pull(Context ctx) {
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String image = r.text("image");
        if (image == null && !r.has("image")) {
            r.error("image", "is required, e.g. ghcr.io/org/game:1.2");
        } else if (image != null && !ImageReference.isValid(image)) {
            r.error("image", "must be an image reference such as ghcr.io/org/game:1.2 (was '" + image + "')");
        }
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(ImagePullRequest.FIELDS, Set.of());
        problems.throwIfAny();
        images.checkPull(image);
        PullTally tally = new PullTally();
        long began = System.nanoTime();
        Operation.Live live = new Operation.Live();
        live.follow(() -> PullProgressReport.of(tally.snapshot(), Duration.ofNanos(System.nanoTime() - began)));
        Operation op = operations.runImageWork(null, "pull", live,
                () -> ImageDocument.of(images.pull(image, tally, WORK_TIMEOUT), List.of()));
        OperationAnswer.send(ctx, operations, op, wait);
    }

    /** A {@link CommitRequestDocument}; the operation answers the image once made. */
    public void commit(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, false);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String repository = r.text("repository");
        String tag = r.text("tag");
        String message = r.text("message");
        Boolean pause = r.bool("pause");
        WaitPolicy wait = WaitPolicy.of(ctx, r, settings.defaultWait(), settings.maxWait());
        r.rejectUnknown(CommitRequestDocument.FIELDS, Set.of());
        CommitRequest request = null;
        try {
            request = new CommitRequest(repository, tag, message, Boolean.TRUE.equals(pause));
        } catch (InvalidSpecException e) {
            for (FieldError f : e.errors()) {
                if (problems.list().stream().noneMatch(x -> x.field().equals(f.field()))) {
                    problems.add(f.field(), f.message());
                }
            }
        }
        problems.throwIfAny();
        images.checkCommit(id);
        CommitRequest asked = request;
        Operation op = operations.runImageWork(id, "commit", new Operation.Live(),
                () -> ImageDocument.of(images.commit(id, asked, WORK_TIMEOUT), List.of()));
        OperationAnswer.send(ctx, operations, op, wait);
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
