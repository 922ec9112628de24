package dev.raptor.api.problem;

import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.files.FileProblems;
import dev.raptor.core.allocation.PortConflictException;
import dev.raptor.core.allocation.PortInUse;
import dev.raptor.core.allocation.PortInUseException;
import dev.raptor.core.archive.ImportConflictException;
import dev.raptor.core.image.ImageInUseException;
import dev.raptor.core.network.NetworkInUseException;
import dev.raptor.core.power.ServerBusyException;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.DuplicateServerException;
import dev.raptor.core.server.NameTakenException;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StateStoreException;
import dev.raptor.core.power.NodeUnavailableException;
import dev.raptor.core.power.ServerNotInstalledException;
import dev.raptor.core.template.TemplateExistsException;
import dev.raptor.core.template.TemplateNotFoundException;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.files.FilesException;
import dev.raptor.wire.problem.ConflictingServer;
import dev.raptor.wire.problem.PortHolder;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Turns whatever a request ended with into the problem the client gets. Domain exceptions map to
 * their status here and only here; anything unexpected becomes a 500 whose detail hides the
 * internals (they are logged with an incident id the client can quote).
 */
public final class ProblemMapper {
    private static final Logger log = LoggerFactory.getLogger(ProblemMapper.class);

    private final Function<UUID, Optional<String>> serverName;

    /** @param serverName the name of a server, for messages that name another server (port conflicts) */
    public ProblemMapper(Function<UUID, Optional<String>> serverName) {
        this.serverName = serverName;
    }

    public Problem map(Throwable t) {
        Throwable e = unwrap(t);
        return switch (e) {
            case ProblemException p -> p.problem();
            case InvalidSpecException v -> Problem.of(400, "validation", "Invalid request", describe(v))
                    .withErrors(v.errors());
            case ServerNotFoundException n -> Problem.of(404, "server-not-found", "No such server", n.getMessage())
                    .withServerId(n.serverId());
            case DuplicateServerException d -> Problem.of(409, "server-exists", "Server already exists", d.getMessage())
                    .withServerId(d.serverId());
            case StaleVersionException s -> Problem.of(412, "version-mismatch", "Version mismatch", s.getMessage())
                    .withCurrentVersion(s.actual());
            case PortConflictException c -> portConflict(c);
            case ServerBusyException b -> Problem.of(409, "server-busy", "Server busy", b.getMessage())
                    .withServerId(b.serverId());
            case ServerNotInstalledException ni -> Problem.of(409, "install-failed", "Server not installed", ni.getMessage())
                    .withServerId(ni.serverId());
            case NodeUnavailableException nu -> Problem.of(409, "node-unavailable", "Node unavailable", nu.getMessage())
                    .withServerId(nu.serverId());
            case dev.raptor.core.node.TransferRefusedException tr -> Problem.of(409, "transfer-refused", "Transfer refused", tr.getMessage())
                    .withErrors(List.of(new dev.raptor.core.validation.FieldError(tr.field(), tr.getMessage()))).withServerId(tr.serverId());
            case TemplateNotFoundException tn -> Problem.of(404, "template-not-found", "No such template", tn.getMessage());
            case TemplateExistsException te -> Problem.of(409, "template-exists", "Template already exists", te.getMessage());
            case PortInUseException u -> portInUse(u.inUse(), u.serverId(), "");
            case NameTakenException n -> Problem.of(409, "name-taken", "Name taken", n.getMessage())
                    .withConflictsWith(new ConflictingServer(n.holder(), n.holderName(), null));
            case ServerNotRunningException r -> Problem.of(409, "server-not-running", "Server not running", r.getMessage())
                    .withServerId(r.serverId());
            case EngineException.Unavailable u -> Problem.of(503, "engine-unavailable", "Container engine unavailable", u.getMessage());
            case EngineException.Timeout to -> Problem.of(504, "engine-timeout", "Container engine timed out", to.getMessage());
            // the engine's refusal of a host port is the same problem as the probe's, in the engine's words too
            case EngineException.Conflict c when c.portInUse().isPresent() ->
                    portInUse(c.portInUse().get(), c.serverId(), " (the engine says: " + c.getMessage() + ")");
            case EngineException.Conflict c -> Problem.of(409, "engine-conflict", "Conflict in the container engine", c.getMessage());
            case EngineException.NotFound n -> Problem.of(404, "engine-not-found", "Not found in the container engine", n.getMessage());
            case EngineException.Rejected r -> Problem.of(422, "engine-rejected", "Refused by the container engine", r.getMessage());
            case EngineException.NotSupported n -> Problem.of(422, "not-supported-by-runtime", "Not supported by this node's runtime",
                    n.getMessage());
            case ImageInUseException i -> Problem.of(409, "image-in-use", "Image in use", i.getMessage());
            case NetworkInUseException n -> Problem.of(409, "network-in-use", "Network in use", n.getMessage());
            case ImportConflictException c -> Problem.of(409, "import-conflict", c.existing().isEmpty() ? "Names taken" : "Servers already exist",
                    c.getMessage() + (c.existing().isEmpty() ? "" : "; import again with ?mode=replace to overwrite them"));
            case StateStoreException s -> {
                log.error("store failure while serving a request", s);
                yield Problem.of(503, "store-unavailable", "State store unavailable", s.getMessage());
            }
            case HttpResponseException h -> fromJavalin(h);
            case dev.raptor.backup.BackupException b -> Problem.of(switch (b) {
                case dev.raptor.backup.BackupException.NotFound n -> 404;
                case dev.raptor.backup.BackupException.Corrupt c -> 422;
                case dev.raptor.backup.BackupException.BadIgnoreFile f -> 422;
                case dev.raptor.backup.BackupException.NodeUnavailable u -> 503;
                default -> 409;
            }, b.problemType(), b instanceof dev.raptor.backup.BackupException.NodeUnavailable ? "Node unavailable" : "Backup refused",
                    b.getMessage()).withServerId(b.serverId());
            case dev.raptor.backup.update.UpdateException u -> Problem.of(u.status(), u.problemType(),
                    u.status() == 502 ? "Update source failed" : "Update refused", u.getMessage());
            // The jail's refusals: 4xx naming the path (the quota 507). Before IOException: they are IOExceptions.
            case FilesException f -> FileProblems.of(f);
            case SignedLinks.InvalidLinkException l -> Problem.of(403, "link-refused", "Link refused", l.getMessage());
            // Reading the request failed (broken chunking, early end): the client's doing, not ours.
            case java.io.IOException io -> Problem.of(400, "body-unreadable", "Request unreadable",
                    "the request could not be read: " + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage()));
            case org.eclipse.jetty.http.HttpException h when h.getCode() >= 400 && h.getCode() < 500 ->
                    Problem.of(h.getCode(), "bad-request", org.eclipse.jetty.http.HttpStatus.getMessage(h.getCode()),
                            h.getReason() == null ? org.eclipse.jetty.http.HttpStatus.getMessage(h.getCode()) : h.getReason());
            // Parsing helpers of the JDK and the domain signal bad input this way; never a server fault here.
            case IllegalArgumentException i -> Problem.of(400, "bad-request", "Bad request", i.getMessage());
            default -> {
                String incident = UUID.randomUUID().toString();
                log.error("unexpected failure serving a request (incident {})", incident, e);
                yield Problem.of(500, "internal", "Internal error",
                        "Raptor failed unexpectedly; the daemon log has the details under incident " + incident)
                        .withIncident(incident);
            }
        };
    }

    private Problem portConflict(PortConflictException c) {
        Optional<String> holderName = serverName.apply(c.holder());
        String name = holderName.map(n -> " ('" + n + "')").orElse("");
        return Problem.of(409, "port-conflict", "Port already allocated",
                        c.wanted().hostBinding() + " is held by server " + c.holder() + name + " (" + c.held().hostBinding() + ")")
                .withConflictsWith(new ConflictingServer(c.holder(), holderName.orElse(null), c.held().hostBinding()));
    }

    /** Another program holds a host port the server needs: who, when the system tells ({@code heldBy}). */
    private static Problem portInUse(PortInUse inUse, UUID serverId, String more) {
        Problem p = Problem.of(409, "port-in-use", "Port in use", inUse.describe() + more + "; stop that program or choose another port")
                .withHeldBy(new PortHolder(inUse.allocation().hostBinding(), inUse.process(), inUse.pid()));
        return serverId == null ? p : p.withServerId(serverId);
    }

    /** Javalin's own answers: unknown route, wrong method, body too large... */
    private static Problem fromJavalin(HttpResponseException h) {
        int status = h.getStatus();
        return switch (status) {
            case 404 -> Problem.of(404, "no-route", "Not found", h.getMessage());
            case 405 -> {
                Problem p = Problem.of(405, "method-not-allowed", "Method not allowed", h.getMessage());
                String allowed = h.getDetails().getOrDefault("availableMethods", h.getDetails().get("Available methods"));
                yield allowed == null ? p : p.withAllowedMethods(allowed);
            }
            case 413 -> Problem.of(413, "body-too-large", "Request body too large", h.getMessage());
            default -> Problem.of(status, "http-" + status, h.getMessage(), h.getMessage());
        };
    }

    private static String describe(InvalidSpecException v) {
        return v.errors().size() == 1 ? v.errors().getFirst().toString() : v.errors().size() + " fields are invalid: " + v.getMessage().replaceFirst("^invalid spec: ", "");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
