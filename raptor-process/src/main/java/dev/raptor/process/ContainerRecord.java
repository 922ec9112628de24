package dev.raptor.process;

import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.HealthCheck;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a process "container" is made of, fixed when it is created (like a container's config): the
 * command, environment, data directory, limits and labels. Stored as {@code container.properties} in the
 * record directory; never changed afterwards (a new spec makes a new record).
 *
 * @param id          this container's own id (random; a new one for every create, so a stale ref is told apart)
 * @param serverId    the server it belongs to (its {@code dev.raptor.server} label)
 * @param created     when it was created
 * @param dataDir     the server's data directory, its working directory
 * @param startup     the command line, run with {@code /bin/sh -c}
 * @param environment the environment the server starts with (fixed entries plus the spec's effective environment)
 * @param labels      its labels, Raptor's and the spec's
 * @param limits      resource limits applied through its cgroup
 * @param healthCheck the check the runtime runs beside the server while it runs ({@link HealthChecks}); null = none
 */
record ContainerRecord(String id, UUID serverId, Instant created, Path dataDir, String startup,
                       Map<String, String> environment, Map<String, String> labels, Limits limits, HealthCheck healthCheck) {

    static final String FILE = "container.properties";

    ContainerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(startup, "startup");
        environment = Map.copyOf(environment);
        labels = Map.copyOf(labels);
        Objects.requireNonNull(limits, "limits");
    }

    ContainerRef ref(String name) {
        return new ContainerRef(id, name, serverId);
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("server", serverId.toString());
        p.setProperty("created", created.toString());
        p.setProperty("dataDir", dataDir.toString());
        p.setProperty("startup", startup);
        environment.forEach((k, v) -> p.setProperty("env." + k, v));
        labels.forEach((k, v) -> p.setProperty("label." + k, v));
        p.setProperty("limits.memoryMiB", Long.toString(limits.memoryMiB()));
        p.setProperty("limits.swapMiB", Long.toString(limits.swapMiB()));
        p.setProperty("limits.cpuPercent", Integer.toString(limits.cpuPercent()));
        if (limits.threads() != null) {
            p.setProperty("limits.threads", limits.threads());
        }
        p.setProperty("limits.diskMiB", Long.toString(limits.diskMiB()));
        p.setProperty("limits.ioWeight", Integer.toString(limits.ioWeight()));
        p.setProperty("limits.pidsLimit", Integer.toString(limits.pidsLimit()));
        p.setProperty("limits.oomKiller", Boolean.toString(limits.oomKiller()));
        if (healthCheck != null) {
            p.setProperty("health.command", healthCheck.command());
            p.setProperty("health.interval", healthCheck.interval().toString());
            p.setProperty("health.timeout", healthCheck.timeout().toString());
            p.setProperty("health.retries", Integer.toString(healthCheck.retries()));
            p.setProperty("health.startPeriod", healthCheck.startPeriod().toString());
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "Raptor process runtime: one server's container (written once, at create)");
        }
    }

    /**
     * Reads a record written by {@link #write}.
     *
     * @throws IOException when it is missing or unreadable
     */
    static ContainerRecord read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            Map<String, String> env = new TreeMap<>();
            Map<String, String> labels = new LinkedHashMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("env.")) {
                    env.put(key.substring(4), p.getProperty(key));
                } else if (key.startsWith("label.")) {
                    labels.put(key.substring(6), p.getProperty(key));
                }
            }
            Limits limits = new Limits(Long.parseLong(p.getProperty("limits.memoryMiB", "0")),
                    Long.parseLong(p.getProperty("limits.swapMiB", "-1")),
                    Integer.parseInt(p.getProperty("limits.cpuPercent", "0")), p.getProperty("limits.threads"),
                    Long.parseLong(p.getProperty("limits.diskMiB", "0")), Integer.parseInt(p.getProperty("limits.ioWeight", "500")),
                    Integer.parseInt(p.getProperty("limits.pidsLimit", "0")),
                    Boolean.parseBoolean(p.getProperty("limits.oomKiller", "true")));
            HealthCheck health = p.getProperty("health.command") == null ? null : new HealthCheck(p.getProperty("health.command"),
                    Duration.parse(required(p, "health.interval")), Duration.parse(required(p, "health.timeout")),
                    Integer.parseInt(required(p, "health.retries")), Duration.parse(required(p, "health.startPeriod")));
            return new ContainerRecord(required(p, "id"), UUID.fromString(required(p, "server")),
                    Instant.parse(required(p, "created")), Path.of(required(p, "dataDir")), required(p, "startup"), env, labels, limits,
                    health);
        } catch (RuntimeException e) {
            throw new IOException("garbled record " + file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return v;
    }
}
