package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.raptor.core.runtime.ContainerInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Inspects the containers a listing found, a bounded number at a time. A list entry lacks what only an inspect
 * tells (the exit code, the start and finish times, health, an OOM kill), and one inspect after another made a
 * boot with 400 containers wait for 400 round trips in a row; the engine answers several at once, so a few
 * workers cut the wait by about their number while never opening more than {@code parallelism} connections.
 *
 * <p>The workers are virtual threads started from the calling engine call's thread, so they inherit its
 * {@link CallContext}: a call abandoned at its deadline interrupts them too.
 */
final class ListedInspections {
    private ListedInspections() {
    }

    /**
     * What an inspect says about each of {@code containers}, in their order; a container removed between the list
     * and its inspect (or one without a valid server label) is left out.
     *
     * @throws Exception the first failure other than a removed container (the engine's, or an interruption)
     */
    static List<ContainerInfo> inspectAll(DockerClient client, List<Container> containers, int parallelism, EngineClock clock)
            throws Exception {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        ContainerInfo[] found = new ContainerInfo[containers.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int i;
            while (failure.get() == null && (i = next.getAndIncrement()) < containers.size()) {
                try {
                    found[i] = ContainerFacts.from(client.inspectContainerCmd(containers.get(i).getId()).exec(), null, clock);
                } catch (NotFoundException gone) {
                    // removed between list and inspect: not there any more
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        int workers = Math.min(parallelism, containers.size());
        if (workers <= 1) {
            worker.run();
        } else {
            List<Thread> threads = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                threads.add(Thread.ofVirtual().name("raptor-docker-inspect-" + w).start(worker));
            }
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                throw e;
            }
        }
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return Arrays.stream(found).filter(Objects::nonNull).toList();
    }
}
