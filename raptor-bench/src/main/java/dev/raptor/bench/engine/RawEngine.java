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
    /** How long the cleanup waits without one container removed before it says the engine is not answering. */
    public static final Duration REMOVAL_STALL = Duration.ofMinutes(2);
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
     * Raptor or directly. Returns how many it removed. 16 at a time; it gives up once {@link #REMOVAL_STALL} passes
     * without one removal done (a wedged engine answers nothing: before, it waited two minutes for each batch of 16, up
     * to a quarter of an hour for a storm's hundred), saying how many are left and how to remove them.
     */
    public int removeOurs() throws InterruptedException {
        return removeOurs(REMOVAL_STALL);
    }

    int removeOurs(Duration stall) throws InterruptedException {
        List<Container> mine = ours();
        int removed = 0;
        int failed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory());
        try {
            java.util.concurrent.CompletionService<Boolean> jobs = new java.util.concurrent.ExecutorCompletionService<>(pool);
            for (Container c : mine) {
                jobs.submit(() -> {
                    try {
                        client.removeContainerCmd(c.getId()).withForce(true).exec();
                        return true;
                    } catch (NotFoundException gone) {
                        return false;
                    }
                });
            }
            long lastProgress = System.nanoTime();
            for (int done = 0; done < mine.size(); ) {
                long left = stall.toNanos() - (System.nanoTime() - lastProgress);
                Future<Boolean> f = left > 0 ? jobs.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS) : null;
                if (f == null) {
                    int open = mine.size() - done;
                    System.err.println("cleanup: the engine answered none of the removals of the last " + open + " containers in "
                            + stall.toSeconds() + " s; it is not answering (scripts/engine.sh start restarts a wedged engine)."
                            + " Left: docker rm -f $(docker ps -aq --filter label=" + RuntimeLabels.NODE + "=" + node + ")");
                    break;
                }
                done++;
                try {
                    if (f.get()) {
                        removed++;
                    }
                    lastProgress = System.nanoTime();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    System.err.println("cleanup: could not remove a container: " + e.getCause());
                    if (!timedOut(e.getCause())) {
                        lastProgress = System.nanoTime(); // an answer, if a refusal; a timeout is the engine's silence
                    }
                }
            }
        } finally {
            pool.shutdownNow(); // a call the engine never answers ends at the client's response timeout, on its own
        }
        if (failed > 0) {
            System.err.println("cleanup: " + failed + " of " + mine.size() + " removals failed");
        }
        return removed;
    }

    private static boolean timedOut(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException || c instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
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
