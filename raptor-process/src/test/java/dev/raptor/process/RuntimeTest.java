package dev.raptor.process;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.CollectedLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Base of the tests that drive a {@link ProcessRuntime} directly (no fleet): a fresh state directory per test, everything removed after. */
abstract class RuntimeTest {
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    ProcessRuntime runtime;
    private final List<ProcessRuntime> extraRuntimes = new ArrayList<>();

    /** The configuration a test's runtime opens with; cgroups, user and logs as in production unless overridden. */
    ProcessRuntimeConfig config() {
        return ProcessRuntimeConfig.at(tmp.resolve("process"));
    }

    @BeforeEach
    void openRuntime() {
        TestHost.reachable(tmp);
        runtime = ProcessRuntime.open(config());
    }

    @AfterEach
    void removeEverything() {
        for (ContainerInfo c : runtime.listOwned(soon())) {
            try {
                runtime.remove(c.ref(), soon());
            } catch (EngineException.NotFound e) {
                // gone already
            }
        }
        runtime.close();
        extraRuntimes.forEach(ProcessRuntime::close);
    }

    /** Another runtime over the same state directory, as a restarted daemon would open. */
    ProcessRuntime reopen() {
        ProcessRuntime r = ProcessRuntime.open(config());
        extraRuntimes.add(r);
        return r;
    }

    static Deadline soon() {
        return Deadline.in(PATIENCE);
    }

    ContainerInfo create(ServerSpec spec) {
        return runtime.create(spec, tmp.resolve("volumes").resolve(spec.id().toString()), soon());
    }

    ContainerRef started(ServerSpec spec) {
        ContainerRef ref = create(spec).ref();
        runtime.start(ref, soon());
        return ref;
    }

    /** Starts the test game server and waits for its Done line. */
    Console booted(ServerSpec spec) {
        ContainerRef ref = started(spec);
        Console console = follow(ref);
        console.awaitLine(TestHost.DONE_LINE);
        return console;
    }

    Console follow(ContainerRef ref) {
        return new Console(runtime, ref, LogRequest.follow(-1));
    }

    /** Every line of the console's history, read once. */
    static List<LogLine> history(ProcessRuntime runtime, ContainerRef ref, LogRequest request) throws InterruptedException {
        CollectedLines read = new CollectedLines();
        Subscription s = runtime.logs(ref, request, read);
        try {
            assertThat(read.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("history ends").isTrue();
        } finally {
            s.close();
        }
        return read.lines;
    }

    static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    /** A followed console: collects lines until closed. */
    static final class Console implements AutoCloseable {
        private final ContainerRef ref;
        private final CollectedLines read = new CollectedLines();
        private final Subscription subscription;

        Console(ProcessRuntime runtime, ContainerRef ref, LogRequest request) {
            this.ref = ref;
            this.subscription = runtime.logs(ref, request, read);
        }

        ContainerRef ref() {
            return ref;
        }

        List<LogLine> lines() {
            return List.copyOf(read.lines);
        }

        List<String> texts() {
            return read.texts();
        }

        void awaitLine(String text) {
            await().atMost(PATIENCE).until(() -> texts().contains(text));
        }

        boolean awaitEnd(Duration d) throws InterruptedException {
            return read.ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean isOpen() {
            return subscription.isOpen();
        }

        @Override
        public void close() {
            subscription.close();
        }
    }
}
