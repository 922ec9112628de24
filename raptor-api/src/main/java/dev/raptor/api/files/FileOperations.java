package dev.raptor.api.files;

import dev.raptor.api.operations.Operation;
import dev.raptor.api.operations.Operation.Outcome;
import dev.raptor.api.operations.OperationEvent;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.files.FilesException;
import dev.raptor.files.Progress;
import dev.raptor.wire.operation.OperationProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs file work off the request threads. The jail's long operations are long runs of native calls and CPU work
 * (compression), which would pin a virtual thread's carrier (the carriers every request shares), so they run on
 * platform threads: long operations (compress, decompress, pull, delete) on a fixed pool as {@link Operations}
 * with progress, cancellation and console events; shorter calls a request waits for (copy, search) on a pool of
 * their own, so that a queue of long work never delays them.
 */
public final class FileOperations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileOperations.class);

    private final Operations operations;
    private final EventBus bus;
    private final ExecutorService longWork;
    private final ExecutorService calls;

    /** One long piece of work: runs with its progress, answers what its operation's outcome records. */
    @FunctionalInterface
    public interface Task {
        /**
         * Does the work, reporting to {@code progress} and stopping when it is cancelled.
         *
         * @return the outcome's summary: what the activity log says it did
         */
        Done run(Progress progress, Cancellation cancellation) throws IOException;
    }

    /** What a finished task did, for the activity log. */
    public record Done(String message, String path, java.util.Map<String, String> details) {
    }

    /** Things to stop besides the progress when the work is cancelled (an HTTP download to abort...). */
    public static final class Cancellation {
        private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
        private volatile boolean cancelled;

        public void onCancel(Runnable hook) {
            hooks.add(hook);
            if (cancelled) {
                hook.run();
            }
        }

        void cancel() {
            cancelled = true;
            hooks.forEach(h -> {
                try {
                    h.run();
                } catch (RuntimeException e) {
                    log.debug("a cancellation hook failed: {}", e.toString());
                }
            });
        }
    }

    /** A call a request waits for. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException;
    }

    public FileOperations(Operations operations, EventBus bus, int workers) {
        this.operations = operations;
        this.bus = bus;
        this.longWork = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                platform("files-operation"));
        this.calls = Executors.newCachedThreadPool(platform("files-call"));
    }

    private static ThreadFactory platform(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts {@code task} as a file operation of {@code server}; the operation exists (and, if durable, is recorded)
     * when this returns.
     *
     * @param activity writes the activity entry of a task that changed something
     */
    public Operation start(UUID server, String action, String path, Task task, java.util.function.Consumer<Done> activity) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Cancellation cancellation = new Cancellation();
        AtomicReference<Operation> self = new AtomicReference<>();
        Progress progress = Progress.listening(snapshot -> {
            Operation op = self.get();
            if (op != null && !op.finished()) {
                bus.publish(new OperationEvent(server, Instant.now(), op.toDocument()));
            }
        });
        String stage = stage(action);
        long started = System.nanoTime();
        Operation.Live live = new Operation.Live();
        live.follow(() -> of(stage, progress.snapshot(), started));
        live.cancellable(() -> {
            progress.cancel();
            cancellation.cancel();
        });
        Operation op = operations.track(server, OperationKind.FILES, action, path, live, result);
        self.set(op);
        // on the operation's own answer (not the work's result): the event shows the operation as answered
        op.outcome().thenRun(() -> bus.publish(new OperationEvent(server, Instant.now(), op.toDocument())));
        try {
            longWork.execute(() -> run(op, task, progress, cancellation, result, activity));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            live.settle();
            result.complete(new Outcome(OperationStatus.FAILED, now(), null, null, "the daemon is shutting down"));
        }
        return op;
    }

    private void run(Operation op, Task task, Progress progress, Cancellation cancellation, CompletableFuture<Outcome> result,
                     java.util.function.Consumer<Done> activity) {
        Outcome outcome;
        Done done = null;
        try {
            done = task.run(progress, cancellation);
            outcome = new Outcome(OperationStatus.DONE, now(), null, null, null);
        } catch (FilesException e) {
            outcome = Outcome.refused(now(), e.getMessage(), FileProblems.of(e));
        } catch (ProblemException e) {
            outcome = Outcome.refused(now(), e.problem().detail(), e.problem());
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("operation", op.id()).addKeyValue("server", op.serverId()).addKeyValue("action", op.action())
                    .addKeyValue("error", e.toString()).log("file operation failed");
            outcome = new Outcome(OperationStatus.FAILED, now(), null, null,
                    op.action() + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (Error e) {
            op.live().settle();
            result.complete(new Outcome(OperationStatus.FAILED, now(), null, null, "internal error: " + e));
            throw e;
        }
        // where it ended is the progress the answer (and the store) keeps
        op.live().settle();
        if (done != null) {
            // before the outcome: whoever sees the operation finished finds its entry written (a node agent's manager
            // collects it with the finished operation's document)
            Done d = done;
            try {
                ScopedValue.where(OPERATION, op.id()).run(() -> activity.accept(d));
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("operation", op.id()).addKeyValue("server", op.serverId()).addKeyValue("error", e.toString())
                        .log("could not write the file operation's activity entry");
            }
        }
        result.complete(outcome);
    }

    /**
     * The id of the file operation whose activity entry is being written, bound around the {@code activity} consumer of
     * {@link #start} (on the operation's worker, not the request that started it): a node agent keeps the entry for its
     * manager under that id.
     */
    public static final ScopedValue<String> OPERATION = ScopedValue.newInstance();

    /** The progress's stage for a file operation's action (the same words as a backup's where the work is alike). */
    private static String stage(String action) {
        return switch (action) {
            case "compress" -> "archiving";
            case "decompress" -> "extracting";
            case "pull" -> "downloading";
            case "delete" -> "deleting";
            default -> action;
        };
    }

    /**
     * Runs a call on a platform thread and waits for it (no deadline: the request is the caller's, like an upload).
     * A refusal comes back as the {@link FilesException} it was.
     */
    public <T> T call(Call<T> call) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        calls.execute(() -> {
            try {
                f.complete(call.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the file call ran");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** The one progress model's form of the work's counters, with its average rate since {@code startedNanos}. */
    private static OperationProgress of(String stage, Progress.Snapshot s, long startedNanos) {
        long nanos = System.nanoTime() - startedNanos;
        long rate = nanos <= 0 ? 0 : (long) (s.bytesDone() * 1e9 / nanos);
        return new OperationProgress(stage, s.bytesDone(), s.bytesTotal(), s.filesDone(), s.filesTotal(), rate);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Stops the work: running operations are cancelled (their partial output removed), queued ones never start. */
    @Override
    public void close() {
        longWork.shutdownNow();
        calls.shutdownNow();
        try {
            if (!longWork.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("file operations still running 10 s after they were cancelled");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
