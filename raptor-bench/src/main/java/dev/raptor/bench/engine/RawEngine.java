package dev.raptor.bench.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.raptor.core.runtime.RuntimeLabels;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reference side of the comparisons: the engine driven directly with docker-java, as a user of
 * the Docker API would, making the container Raptor would make (same image, labels, environment,
 * console settings, data bind mount, log driver) without any of Raptor's bookkeeping.
 */
public final class RawEngine implements AutoCloseable {
    private final DockerClient client;
    private final String node;

    /** @param node the bench's node label, so cleanup finds what this run created and nothing else */
    public RawEngine(String dockerHost, String node) {
        URI host = URI.create(dockerHost);
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withApiVersion("1.41")
                .build();
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .maxConnections(256)
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(Duration.ofMinutes(2))
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
        this.node = node;
    }

    public DockerClient client() {
        return client;
    }

    /** {@code docker create} of the container Raptor would make for an idle test server; returns its id. */
    public String create(String image, UUID serverId, Path dataDir, Map<String, String> env) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(RuntimeLabels.SERVER, serverId.toString());
        labels.put(RuntimeLabels.SPEC_HASH, "raw");
        labels.put(RuntimeLabels.NODE, node);
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        envList.add("SERVER_MEMORY=0");
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(new Bind(dataDir.toString(), new Volume("/home/container"), AccessMode.rw))
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3")));
        return client.createContainerCmd(image)
                .withName("raptor-" + serverId)
                .withLabels(labels)
                .withEnv(envList)
                .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                .withStdinOpen(true).withStdInOnce(false).withTty(false)
                .withHostConfig(host)
                .exec().getId();
    }

    public void start(String id) {
        client.startContainerCmd(id).exec();
    }

    /** {@code docker stop -t 30}: SIGTERM, then SIGKILL after 30 s. */
    public void stop(String id) {
        client.stopContainerCmd(id).withTimeout(30).exec();
    }

    public void remove(String id) {
        client.removeContainerCmd(id).withForce(true).exec();
    }

    /** Every container carrying this run's node label. */
    public List<Container> ours() {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(RuntimeLabels.NODE + "=" + node)).exec();
    }

    /**
     * Removes (forced) every container labelled with this run's node: what the harness created, through
     * Raptor or directly. Returns how many it removed. Bounded: 16 at a time, 2 minutes each.
     */
    public int removeOurs() throws InterruptedException {
        List<Container> mine = ours();
        int removed = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
            List<Future<Boolean>> jobs = new ArrayList<>();
            for (Container c : mine) {
                jobs.add(pool.submit(() -> {
                    try {
                        client.removeContainerCmd(c.getId()).withForce(true).exec();
                        return true;
                    } catch (NotFoundException gone) {
                        return false;
                    }
                }));
            }
            for (Future<Boolean> f : jobs) {
                try {
                    if (f.get(2, java.util.concurrent.TimeUnit.MINUTES)) {
                        removed++;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    System.err.println("cleanup: could not remove a container: " + e.getMessage());
                }
            }
        }
        return removed;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // closing a client on exit
        }
    }
}
