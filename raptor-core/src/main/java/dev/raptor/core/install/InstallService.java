package dev.raptor.core.install;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.InvalidSpecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Installs and reinstalls servers: the work of an install intent on the server's controller
 * ({@link ServerFleet#install}), so it is serialised with power actions (refused meanwhile) and a kill or delete
 * cancels it. An install writes {@code installing} to the {@link InstallJournal} before its helper starts, runs the
 * script through the runtime's {@link InstallRunner}, keeps every output line in the install log
 * ({@code <logsRoot>/<id>/install.log}, readable after a failure too) and publishes it
 * ({@link ServerEvent.InstallOutput}, which console sockets send as {@code install output}), then records the
 * outcome (journal, {@link ServerEvent.InstallFinished}, activity). A reinstall never deletes files: the script
 * decides what it overwrites.
 *
 * <p>At boot ({@link #recover}) helpers a stopped or crashed daemon left are removed by label, an install that
 * was still {@code installing} reads failed, and every server whose last install failed shows
 * {@code install-failed} until it is reinstalled.
 */
public final class InstallService {
    private static final Logger log = LoggerFactory.getLogger(InstallService.class);
    /** An install log keeps its first lines; a script that floods output is not allowed to fill the disk. */
    static final long MAX_LOG_BYTES = 8L * 1024 * 1024;

    private final ServerFleet fleet;
    private final InstallRunner runner;
    private final InstallJournal journal;
    private final Path logsRoot;
    private final Duration timeout;

    /**
     * @param logsRoot where install logs go ({@code <dataDir>/installs}), one directory per server
     * @param timeout  how long a script may run before it is killed and the install fails
     */
    public InstallService(ServerFleet fleet, InstallRunner runner, InstallJournal journal, Path logsRoot, Duration timeout) {
        this.fleet = fleet;
        this.runner = runner;
        this.journal = journal;
        this.logsRoot = logsRoot;
        this.timeout = timeout;
    }

    /** Keeps {@code script} as the server's install script (from its template). */
    public void define(UUID id, String templateId, InstallScript script) {
        journal.define(id, templateId, script);
    }

    public Optional<InstallRecord> record(UUID id) {
        return journal.find(id);
    }

    /**
     * Installs ({@code reinstall} false) or reinstalls the server with {@code script}, or its recorded script when
     * null. A reinstall of a running server stops it first; the server is left stopped either way.
     *
     * @throws InvalidSpecException when no script is given and none is recorded
     * @throws dev.raptor.core.power.ServerBusyException when maintenance already waits or runs on it
     */
    public CompletableFuture<PowerResult> install(UUID id, InstallScript script, boolean reinstall) {
        fleet.controller(id); // 404 before anything is written
        if (script != null) {
            String templateId = journal.find(id).map(InstallRecord::templateId).orElse(null);
            journal.define(id, templateId, script);
        }
        InstallScript chosen = journal.find(id).map(InstallRecord::script).orElseThrow(() -> new InvalidSpecException("script",
                "the server has no install script (it was not made from a template with one): give one"));
        String action = reinstall ? "reinstall" : "install";
        return fleet.install(id, action, () -> run(id, action, chosen));
    }

    /** The install log of the server's last install; empty when none ran. */
    public Optional<Path> log(UUID id) {
        Path file = logFile(id);
        return Files.exists(file) ? Optional.of(file) : Optional.empty();
    }

    Path logFile(UUID id) {
        return logsRoot.resolve(id.toString()).resolve("install.log");
    }

    /** The work, on the controller's maintenance thread with the server stopped. */
    private void run(UUID id, String action, InstallScript script) throws Exception {
        StoredServer stored = fleet.store().find(id).orElseThrow(() -> new ServerNotFoundException(id));
        ServerSpec spec = stored.spec();
        Path dataDir = fleet.settings().volumesRoot().resolve(id.toString());
        Files.createDirectories(dataDir);
        Path logFile = logFile(id);
        Files.createDirectories(logFile.getParent());
        journal.started(id, Instant.now());
        log.atInfo().addKeyValue("server", id).addKeyValue("action", action).log("install started");
        String reason = null;
        try (InstallLog out = new InstallLog(logFile, line -> fleet.bus().publish(new ServerEvent.InstallOutput(id, Instant.now(), line)))) {
            out.line("[Raptor] " + action + " started with " + script.entrypoint() + (script.image() == null ? "" : " in " + script.image()));
            int code;
            try {
                code = runner.run(new InstallJob(spec, script, dataDir), out::line, Deadline.in(timeout));
            } catch (InterruptedException e) {
                reason = action + " cancelled";
                out.line("[Raptor] " + reason);
                throw e;
            } catch (RuntimeException e) {
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                out.line("[Raptor] " + action + " failed: " + reason);
                throw e;
            }
            if (code != 0) {
                reason = "the install script exited with code " + code;
                out.line("[Raptor] " + action + " failed: " + reason);
                throw new InstallException(reason, null);
            }
            out.line("[Raptor] " + action + " done");
        } finally {
            Instant now = Instant.now();
            journal.finished(id, reason == null ? InstallStatus.INSTALLED : InstallStatus.FAILED, reason, now);
            fleet.bus().publish(new ServerEvent.InstallFinished(id, now, action, reason == null, reason));
            log.atInfo().addKeyValue("server", id).addKeyValue("action", action).addKeyValue("outcome", reason == null ? "installed" : reason)
                    .log("install ended");
        }
    }

    /**
     * Boot: removes helpers an earlier daemon left, marks installs it cut short as failed, and shows every server
     * whose last install failed as {@code install-failed}. Call after the fleet booted.
     */
    public void recover() {
        try {
            for (UUID id : runner.removeLeftovers(Deadline.in(Duration.ofSeconds(60)))) {
                log.atInfo().addKeyValue("server", id).log("removed an install helper the last daemon left");
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("could not look for install helpers left by the last daemon");
        }
        for (InstallRecord r : journal.list()) {
            String reason = r.reason();
            if (r.status() == InstallStatus.INSTALLING) {
                reason = "the daemon stopped during the install";
                journal.finished(r.serverId(), InstallStatus.FAILED, reason, Instant.now());
                appendToLog(r.serverId(), "[Raptor] " + reason + "; reinstall the server");
                fleet.store().appendActivity(r.serverId(), "install", "install failed: " + reason, Map.of());
            } else if (r.status() != InstallStatus.FAILED) {
                continue;
            }
            try {
                fleet.controller(r.serverId()).installFailed(reason == null ? "install failed" : reason);
            } catch (ServerNotFoundException gone) {
                // deleted meanwhile
            }
        }
    }

    private void appendToLog(UUID id, String line) {
        Path file = logFile(id);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.atWarn().addKeyValue("server", id).addKeyValue("error", e.toString()).log("could not write the install log");
        }
    }

    /**
     * The install log: each line flushed as it comes (a crash keeps what was written), capped in size, and published
     * ({@link ServerEvent.InstallOutput}) whether or not the cap cut it from the file, Raptor's own lines included.
     */
    private static final class InstallLog implements AutoCloseable {
        private final BufferedWriter out;
        private final java.util.function.Consumer<String> published;
        /** Lines come from the runner's reader threads (stdout and stderr); one writes at a time. */
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private long written;
        private boolean truncated;

        InstallLog(Path file, java.util.function.Consumer<String> published) throws IOException {
            this.published = published;
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }

        void line(String line) {
            published.accept(line);
            lock.lock();
            try {
                if (written > MAX_LOG_BYTES) {
                    if (!truncated) {
                        truncated = true;
                        out.write("[Raptor] the install log is cut here at " + MAX_LOG_BYTES + " bytes\n");
                        out.flush();
                    }
                    return;
                }
                out.write(line);
                out.write('\n');
                out.flush();
                written += line.length() + 1L;
            } catch (IOException e) {
                log.atWarn().addKeyValue("error", e.toString()).log("could not write the install log");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
