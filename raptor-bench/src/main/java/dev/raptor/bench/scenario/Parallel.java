package dev.raptor.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs {@code n} tasks on virtual threads, at most {@code width} at once, all within a time limit. */
final class Parallel {
    private Parallel() {
    }

    interface Task {
        void run(int i) throws Exception;
    }

    /** @return how many tasks failed (their first few errors are printed) */
    static int run(int n, int width, java.time.Duration limit, String what, Task task) throws InterruptedException {
        Semaphore permits = new Semaphore(width);
        List<Future<?>> jobs = new ArrayList<>(n);
        int failed = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int index = i;
                jobs.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        task.run(index);
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                long left = deadline - System.nanoTime();
                try {
                    f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failed++ < 3) {
                        System.err.println(what + " failed: " + e.getCause());
                    }
                } catch (TimeoutException e) {
                    if (failed++ < 3) {
                        System.err.println(what + " did not finish within " + limit.toSeconds() + " s");
                    }
                    f.cancel(true);
                }
            }
        }
        return failed;
    }

    /** Closes every resource, 32 at a time, bounded: a close that hangs is abandoned after 10 s. */
    static void closeAll(List<? extends AutoCloseable> resources) throws InterruptedException {
        run(resources.size(), 32, java.time.Duration.ofSeconds(10), "close", i -> resources.get(i).close());
    }
}
