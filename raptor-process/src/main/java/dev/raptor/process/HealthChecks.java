package dev.raptor.process;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.server.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The process runtime's health checks: what the Docker Engine does for a container's {@code HEALTHCHECK}, done by
 * the runtime for every running server whose record has a {@link HealthCheck}, with Docker's rules. Every interval
 * the check's command runs beside the server, as it runs ({@code sh -c COMMAND} through {@link ServerCommand}: its
 * user, directory and cgroup), and is killed past its timeout. A success makes the server healthy; {@code retries}
 * failures in a row make it unhealthy, except within the start period, where failures do not count. Until the first
 * verdict the server is starting.
 *
 * <p>The verdict is written to the record ({@code health}, with the run it belongs to), so that {@code inspect} and the
 * event watcher read it like every other fact, and a daemon started later reports it until its own first check. One
 * thread looks at the records every {@link #TICK}; each check runs on a virtual thread of its own, one at a time per
 * server.
 */
final class HealthChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    static final java.time.Duration TICK = java.time.Duration.ofMillis(200);

    /** What is known of one server's current run. */
    private static final class Tracked {
        final Instant run;
        final long runStartedNanos = System.nanoTime();
        long lastCheckNanos = System.nanoTime();
        int failures;
        volatile boolean checking;

        Tracked(Instant run) {
            this.run = run;
        }
    }

    private final StateDirectory state;
    private final Supplier<List<UUID>> servers;
    private final BiFunction<ContainerRecord, ExecRequest, ExecResult> runner;
    private final Map<UUID, Tracked> tracked = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean closed;

    /**
     * @param runner runs a request beside the server of a record, to its end (throws when it cannot be started)
     */
    HealthChecks(StateDirectory state, Supplier<List<UUID>> servers, BiFunction<ContainerRecord, ExecRequest, ExecResult> runner) {
        this.state = state;
        this.servers = servers;
        this.runner = runner;
        this.loop = Thread.ofVirtual().name("process-health").unstarted(this::run);
    }

    HealthChecks start() {
        loop.start();
        return this;
    }

    /** The verdict the record holds for the run that started at {@code run}: STARTING until there is one. */
    static ContainerHealth read(RecordFiles files, Instant run) {
        try {
            String[] parts = Files.readString(files.health(), StandardCharsets.US_ASCII).strip().split(" ");
            if (parts.length == 2 && Long.parseLong(parts[0]) == run.toEpochMilli()) {
                return ContainerHealth.parse(parts[1]);
            }
        } catch (NoSuchFileException e) {
            // no verdict yet
        } catch (IOException | NumberFormatException e) {
            log.atDebug().addKeyValue("record", files.dir()).addKeyValue("error", e.toString()).log("unreadable health verdict");
        }
        return ContainerHealth.STARTING;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
            try {
                look();
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("error", e.toString()).log("health checks: a look at the records failed");
            }
        }
    }

    private void look() {
        for (UUID id : servers.get()) {
            Optional<ContainerRecord> record = state.read(id);
            RecordFiles files = state.record(id);
            RunFacts facts = RunFacts.observe(files);
            if (record.isEmpty() || record.get().healthCheck() == null || !facts.running() || facts.startedAt() == null) {
                tracked.remove(id);
                continue;
            }
            Tracked t = tracked.compute(id, (k, old) -> old != null && old.run.equals(facts.startedAt()) ? old : new Tracked(facts.startedAt()));
            HealthCheck check = record.get().healthCheck();
            if (!t.checking && System.nanoTime() - t.lastCheckNanos >= check.interval().toNanos()) {
                t.checking = true;
                Thread.ofVirtual().name("process-health-" + id).start(() -> check(id, record.get(), files, t, check));
            }
        }
        tracked.keySet().retainAll(servers.get());
    }

    private void check(UUID id, ContainerRecord record, RecordFiles files, Tracked t, HealthCheck check) {
        try {
            boolean passed;
            try {
                ExecResult r = runner.apply(record, ExecRequest.of("sh", "-c", check.command()).withTimeout(check.timeout()));
                passed = !r.timedOut() && r.exitCode() != null && r.exitCode() == 0;
            } catch (RuntimeException e) {
                passed = false; // the check could not even run: as Docker counts it, a failure
            }
            boolean inGrace = System.nanoTime() - t.runStartedNanos < check.startPeriod().toNanos();
            t.failures = passed ? 0 : inGrace ? t.failures : t.failures + 1;
            ContainerHealth verdict = passed ? ContainerHealth.HEALTHY : t.failures >= check.retries() ? ContainerHealth.UNHEALTHY : null;
            if (verdict != null && !closed && RunFacts.observe(files).startedAt() != null
                    && t.run.equals(RunFacts.observe(files).startedAt()) && read(files, t.run) != verdict) {
                RecordFiles.writeAtomically(files.health(), t.run.toEpochMilli() + " " + verdict.wireName() + "\n");
                log.atInfo().addKeyValue("server", id).addKeyValue("health", verdict.wireName()).log("health check verdict");
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("server", id).addKeyValue("error", e.toString()).log("could not record a health verdict");
        } finally {
            t.lastCheckNanos = System.nanoTime();
            t.checking = false;
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
    }
}
