package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.api.files.ServerFilesAccess;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.backup.BackupException;
import dev.raptor.backup.VolumeArchive;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.Progress;
import dev.raptor.files.RestorePhase;
import dev.raptor.files.RestoreResult;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The node agent's side of backups and restores of the servers whose files are on its disk ({@code raptord agent}).
 * The manager keeps the records, the storage, retention and schedules; the agent only reads and writes the files,
 * with the backup module's own code, where they are:
 * <ul>
 *   <li>{@value #ARCHIVE}: the server's root as tar + zstd ({@link VolumeArchive}: its {@code .raptorignore} read here,
 *   through the jail, then the patterns the manager sent), in {@link AgentFrames} with the progress;</li>
 *   <li>{@value #RESTORE}: the backup's archive as the request's body, spooled beside the volumes while its size and
 *   SHA-256 are taken, refused ({@code 422 backup-corrupt}) unless they are the record's, and only then staged and
 *   swapped in by {@link ServerVolumes#restore} (a failure leaves the previous files). The server's files are locked
 *   for the agent's file routes for the whole request.</li>
 *   <li>{@value #RESTORE_OUTCOME}: what became of a restore whose answer the manager did not read to its end.</li>
 * </ul>
 */
final class AgentBackupRoutes {
    private static final Logger log = LoggerFactory.getLogger(AgentBackupRoutes.class);
    static final String ARCHIVE = "/servers/{id}/backup/archive";
    static final String RESTORE = "/servers/{id}/backup/restore";
    static final String RESTORE_OUTCOME = "/servers/{id}/backup/restores/{request}";
    /** Spooled archives, in the volumes' directory (the same filesystem, outside every server's root). */
    private static final String SPOOL_PREFIX = ".raptor-agent-spool-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerVolumes volumes;
    private final ServerFilesAccess access;
    private final ProblemMapper problems;
    private final AgentRestores restores = new AgentRestores(Clock.systemUTC());
    private volatile Consumer<RestorePhase> beforePhase = phase -> {
    };

    AgentBackupRoutes(ServerVolumes volumes, ServerFilesAccess access, ProblemMapper problems) {
        this.volumes = volumes;
        this.access = access;
        this.problems = problems;
        removeLeftoverSpools();
    }

    /** Archives a stopped agent was receiving: never restored from (a restore starts from a whole, checked one). */
    private void removeLeftoverSpools() {
        Path dir = volumes.root(new UUID(0, 0)).getParent();
        try (var left = Files.newDirectoryStream(dir, SPOOL_PREFIX + "*")) {
            for (Path p : left) {
                Files.deleteIfExists(p);
                log.atInfo().addKeyValue("file", p.getFileName()).log("removed an archive a stopped agent was receiving");
            }
        } catch (java.nio.file.NoSuchFileException absent) {
            // no volumes yet
        } catch (IOException e) {
            log.atWarn().log("could not look for archives a stopped agent was receiving: {}", e.toString());
        }
    }

    /** {@code POST …/backup/archive?level=&threads=&maxIgnoreFileBytes=}, body {@code {"ignore": [patterns]}}. */
    void archive(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        ServerFiles files = access.of(id); // refused while a restore holds them
        List<String> ignore = new ArrayList<>();
        JsonNode body = JSON.readTree(ctx.bodyInputStream());
        if (body != null) {
            for (JsonNode p : body.path("ignore")) {
                ignore.add(p.asText());
            }
        }
        VolumeArchive archive = VolumeArchive.of(files, ignore,
                Query.integer(ctx, "maxIgnoreFileBytes", 64 * 1024, 1, 16 * 1024 * 1024),
                Query.integer(ctx, "level", 3, -7, 22), Query.integer(ctx, "threads", 0, 0, 64)); // its refusals: a problem
        AgentFrames.Writer frames = start(ctx);
        try {
            OutputStream data = frames.data();
            archive.writeTo(data, Progress.listening(frames::progress));
            data.flush();
            frames.end(AgentFrames.END, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("server", id).log("backup archive failed: {}", e.toString());
            fail(frames, e);
        }
    }

    /**
     * {@code POST …/backup/restore?backup=&format=&size=&sha256=&truncate=&request=}, body the archive; its outcome is
     * kept by {@code request} (the manager's id for it) in {@link AgentRestores} before the answer's last frame is sent.
     */
    void restore(Context ctx) throws IOException {
        UUID id = Query.serverId(ctx);
        FilePolicy policy = AgentFilePolicy.decode(ctx.header(AgentFilePolicy.HEADER)).toPolicy();
        UUID backup = uuid(ctx, "backup");
        String format = Query.text(ctx, "format").orElse("tar.zst");
        if (!format.matches("[a-z0-9.]{1,16}")) {
            throw ProblemException.invalidParameter("format", "is an archive format such as tar.zst");
        }
        long size = Query.longValue(ctx, "size", -1, 0, Long.MAX_VALUE);
        String sha256 = Query.text(ctx, "sha256").map(s -> s.toLowerCase(Locale.ROOT))
                .filter(s -> s.matches("[0-9a-f]{64}"))
                .orElseThrow(() -> ProblemException.invalidParameter("sha256", "is the backup's SHA-256 (64 hex digits)"));
        if (size < 0) {
            throw ProblemException.invalidParameter("size", "is the backup's size in bytes");
        }
        boolean truncate = Query.bool(ctx, "truncate").orElse(false);
        UUID request = Query.text(ctx, "request").isPresent() ? uuid(ctx, "request") : UUID.randomUUID();
        restores.running(id, request, backup);
        RestoreResult r;
        AgentFrames.Writer frames = null;
        try (var locked = volumes.locks().lock(id, "restoring a backup")) {
            Path spool = Files.createTempFile(volumes.root(id).getParent(), SPOOL_PREFIX + id + "-", ".part");
            try {
                receive(ctx.bodyInputStream(), spool, id, backup, size, sha256); // a damaged archive: 422, nothing touched
                frames = start(ctx);
                AgentFrames.Writer out = frames;
                r = volumes.restore(id, policy, spooled(spool, "backup." + format), truncate,
                        Progress.listening(frames::progress), phase -> phase(out, phase));
            } finally {
                Files.deleteIfExists(spool);
            }
        } catch (IOException | RuntimeException e) {
            // not swapped in: the previous files are there
            Problem problem = e instanceof ManagerGone gone
                    ? Problem.of(503, "restore-interrupted", "Restore interrupted", gone.getMessage())
                    : problems.map(e);
            restores.failed(id, request, backup, JSON.valueToTree(problem));
            log.atWarn().addKeyValue("server", id).addKeyValue("backup", backup).addKeyValue("request", request)
                    .log("restore failed: {}", e.toString());
            if (frames == null) {
                throw e; // the answer has not started: a problem with its status
            }
            fail(frames, problem);
            return;
        }
        // kept before the answer is: a connection that breaks now leaves the manager asking for it
        restores.completed(id, request, backup, r);
        log.atInfo().addKeyValue("server", id).addKeyValue("backup", backup).addKeyValue("truncate", truncate)
                .addKeyValue("request", request).addKeyValue("files", r.extracted().files()).log("restored a backup sent by the manager");
        try {
            frames.end(AgentFrames.END, JSON.writeValueAsBytes(r));
        } catch (IOException gone) {
            log.atWarn().addKeyValue("server", id).addKeyValue("request", request)
                    .log("restored, but the manager did not get the answer (it asks for the outcome): {}", gone.toString());
        }
    }

    /** {@code GET …/backup/restores/{request}}: what became of that restore ({@link AgentRestores.Outcome}), 404 unknown. */
    void outcome(Context ctx) {
        UUID id = Query.serverId(ctx);
        String v = ctx.pathParam("request");
        UUID request;
        try {
            request = UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidParameter("request", "is not a UUID");
        }
        AgentRestores.Outcome o = restores.find(id, request).orElseThrow(() -> new ProblemException(Problem.of(404,
                "restore-unknown", "Unknown restore", "this agent knows no restore " + request + " of server " + id
                        + " (never received, or it restarted since)")));
        Responses.json(ctx, 200, o);
    }

    /**
     * A restore's phase as a frame. Before the swap, a manager that cannot be told stops the restore (the previous
     * files stay); from {@link RestorePhase#SWAPPED} on the files are the backup's whatever the connection does.
     */
    private void phase(AgentFrames.Writer frames, RestorePhase phase) {
        beforePhase.accept(phase);
        try {
            frames.phase(phase);
        } catch (IOException e) {
            if (phase == RestorePhase.SWAPPED || phase == RestorePhase.DONE) {
                return;
            }
            throw new ManagerGone(e);
        }
    }

    /** The manager's connection broke before the swap: the restore stops there, the server's files untouched. */
    private static final class ManagerGone extends RuntimeException {
        ManagerGone(IOException cause) {
            super("the manager's connection broke before the swap (" + cause + "): the restore was stopped, the previous files "
                    + "are kept", cause);
        }
    }

    /** Holds a restore before each phase's frame, for tests that cut the connection there. */
    void beforePhase(Consumer<RestorePhase> hook) {
        this.beforePhase = hook;
    }

    /** Copies the body into {@code spool}, taking its size and SHA-256, and checks both against the record's. */
    private static void receive(InputStream body, Path spool, UUID id, UUID backup, long size, String sha256) throws IOException {
        MessageDigest sha = sha256();
        long n;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(spool), sha)) {
            n = body.transferTo(out);
        }
        if (n != size) {
            throw new BackupException.Corrupt(id, backup, "its size is " + n + " bytes, " + size + " were written");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(sha256)) {
            throw new BackupException.Corrupt(id, backup, "its SHA-256 is " + actual + ", " + sha256 + " was written");
        }
    }

    private static AgentFrames.Writer start(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType(AgentFrames.MEDIA_TYPE);
        return new AgentFrames.Writer(ctx.res().getOutputStream());
    }

    /** The answer has started: the failure goes as its last frame, a problem as the API would have answered it. */
    private void fail(AgentFrames.Writer frames, Exception e) {
        fail(frames, problems.map(e));
    }

    private static void fail(AgentFrames.Writer frames, Problem problem) {
        try {
            frames.end(AgentFrames.ERROR, JSON.writeValueAsBytes(problem));
        } catch (IOException gone) {
            log.atWarn().log("could not tell the manager that the work failed (it is gone?): {}", gone.toString());
        }
    }

    private static ArchiveSource spooled(Path file, String name) {
        return new ArchiveSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public SeekableByteChannel open() throws IOException {
                return Files.newByteChannel(file);
            }
        };
    }

    private static UUID uuid(Context ctx, String name) {
        String v = Query.text(ctx, name).orElseThrow(() -> ProblemException.invalidParameter(name, "is required"));
        try {
            return UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidParameter(name, "is not a UUID");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
