package dev.raptor.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells the runtime's waits at once when what they wait for may have happened: a run's supervisor ended (a
 * {@code pidfd}) or the supervisor wrote one of a record's files ({@code inotify} on the record directory: it
 * closes each file it writes, see supervisor.sh). One platform thread per runtime waits for all of them in one
 * {@code epoll} set, so no virtual thread's carrier ever blocks in the kernel; a wait itself parks on a semaphore.
 *
 * <p>A {@link Watch} only wakes its wait early: the wait still looks at the record itself after each wake and at
 * least every {@code lookEveryMillis}, and its caller's deadline bounds it, so a missed or spurious report costs
 * at most one ordinary look, never a hang. Where the kernel has no pidfd (Linux before 5.3) or the calls fail, the
 * watcher is the polling one: the same waits look at the record with {@link PollBackoff}, as before.
 */
final class RunWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunWatcher.class);
    private static final int MAX_EVENTS = 32;
    /** The key of the eventfd that wakes the thread to end. */
    private static final long STOP_KEY = 0;

    private final int epfd;
    private final int stopFd;
    /** With the kernel's reports: the longest pause of a wait between two looks (a missed report costs no more). */
    private final long lookEveryMillis;
    private final Thread thread;
    private final AtomicLong keys = new AtomicLong(STOP_KEY);
    /** Every descriptor in the set, by the key epoll reports it with. Changed and read under {@link #fds}. */
    private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
    /** Held while a descriptor is read, taken out of the set or closed (never across a wait): no number is reused under a read. */
    private final ReentrantLock fds = new ReentrantLock();
    private final AtomicLong seenByWatch = new AtomicLong();
    private final AtomicLong seenByLook = new AtomicLong();
    private volatile boolean closed;

    private record Registration(int fd, boolean inotify, Watch watch) {
    }

    private RunWatcher(int epfd, int stopFd, long lookEveryMillis) {
        this.epfd = epfd;
        this.stopFd = stopFd;
        this.lookEveryMillis = lookEveryMillis;
        if (epfd < 0) {
            this.thread = null;
            return;
        }
        this.thread = Thread.ofPlatform().daemon().name("process-run-watch").stackSize(256 * 1024).start(this::loop);
    }

    /**
     * The kernel's watcher when {@code useKernel} and this kernel has pidfds, epoll and inotify; else the polling one.
     * The polling one has no thread and nothing to close.
     *
     * @param lookEveryMillis with the kernel's reports, the longest pause of a wait between two looks all the same
     */
    static RunWatcher open(boolean useKernel, long lookEveryMillis) {
        long lookEvery = Math.max(1, lookEveryMillis);
        if (!useKernel) {
            return new RunWatcher(-1, -1, lookEvery);
        }
        try {
            int probe = KernelEvents.pidfdOpen(ProcessHandle.current().pid());
            if (probe < 0) {
                log.info("pidfd_open is not available (errno {}): the process runtime looks for exits by polling", -probe);
                return new RunWatcher(-1, -1, lookEvery);
            }
            LibC.close(probe);
            int epfd = KernelEvents.epollCreate();
            if (epfd < 0) {
                log.info("epoll_create1 failed (errno {}): the process runtime looks for exits by polling", -epfd);
                return new RunWatcher(-1, -1, lookEvery);
            }
            int stopFd = KernelEvents.eventfd();
            if (stopFd < 0 || KernelEvents.epollAdd(epfd, stopFd, KernelEvents.EPOLLIN, STOP_KEY) != 0) {
                log.info("eventfd failed: the process runtime looks for exits by polling");
                if (stopFd >= 0) {
                    LibC.close(stopFd);
                }
                LibC.close(epfd);
                return new RunWatcher(-1, -1, lookEvery);
            }
            return new RunWatcher(epfd, stopFd, lookEvery);
        } catch (IllegalStateException | UnsupportedOperationException e) {
            log.info("the kernel's process events cannot be used ({}): the process runtime looks for exits by polling", e.getMessage());
            return new RunWatcher(-1, -1, lookEvery);
        }
    }

    /** Whether exits and record files are reported by the kernel (else every wait polls). */
    boolean kernel() {
        return thread != null;
    }

    /**
     * A watch for one wait: woken when the process {@code supervisor} (a pid and start time, or null) ends or a file
     * named in {@code files} is written into {@code dir}. Made before the wait's first look, so that nothing that
     * happens after that look goes unreported. Close it when the wait is over.
     *
     * @param ceilingMillis the longest pause between two looks while polling (without the kernel's reports)
     */
    Watch watch(Path dir, ProcessId supervisor, Set<String> files, long ceilingMillis) {
        return watchPid(dir, supervisor == null ? -1 : supervisor.pid(), supervisor, files, ceilingMillis);
    }

    /** As {@link #watch}, for a supervisor known by its pid alone (this runtime's own child, just spawned). */
    Watch watchChild(Path dir, long supervisorPid, Set<String> files, long ceilingMillis) {
        return watchPid(dir, supervisorPid, null, files, ceilingMillis);
    }

    private Watch watchPid(Path dir, long pid, ProcessId identity, Set<String> files, long ceilingMillis) {
        Watch w = new Watch(files, ceilingMillis);
        if (!kernel() || closed) {
            return w;
        }
        boolean ok = true;
        if (!files.isEmpty()) {
            int fd = KernelEvents.inotifyOn(dir, KernelEvents.IN_CLOSE_WRITE | KernelEvents.IN_MOVED_TO);
            ok = fd >= 0 && register(w, fd, true, KernelEvents.EPOLLIN);
        }
        if (ok && pid > 0) {
            int fd = KernelEvents.pidfdOpen(pid);
            if (fd == -LibC.ESRCH) {
                w.wake(); // already gone: the first look sees it
            } else if (fd < 0) {
                ok = false;
            } else {
                ok = register(w, fd, false, KernelEvents.EPOLLIN | KernelEvents.EPOLLONESHOT);
                if (ok && identity != null && !identity.alive()) {
                    w.wake(); // the pid was another process's already (or it ended): nothing to wait for
                }
            }
        }
        if (!ok) {
            w.close();
            return new Watch(files, ceilingMillis);
        }
        return w;
    }

    private boolean register(Watch w, int fd, boolean inotify, int events) {
        long key = keys.incrementAndGet();
        fds.lock();
        try {
            registrations.put(key, new Registration(fd, inotify, w));
            w.keys.add(key);
            if (KernelEvents.epollAdd(epfd, fd, events, key) != 0) {
                registrations.remove(key);
                w.keys.remove(key);
                LibC.close(fd);
                return false;
            }
            return true;
        } finally {
            fds.unlock();
        }
    }

    private void unregister(long key) {
        fds.lock();
        try {
            Registration r = registrations.remove(key);
            if (r != null) {
                KernelEvents.epollDelete(epfd, r.fd());
                LibC.close(r.fd());
            }
        } finally {
            fds.unlock();
        }
    }

    private void loop() {
        long[] ready = new long[MAX_EVENTS];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate((long) KernelEvents.EVENT_SIZE * MAX_EVENTS, 8);
            while (!closed) {
                int n = KernelEvents.epollWait(epfd, events, ready, -1);
                if (n < 0) {
                    log.warn("epoll_wait failed (errno {}): waits of the process runtime fall back to looking", -n);
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (ready[i] != STOP_KEY) {
                        report(ready[i]);
                    }
                }
            }
        } finally {
            for (Registration r : List.copyOf(registrations.values())) {
                r.watch().wake(); // their waits go on by looking
            }
        }
    }

    /** One descriptor is ready: its process ended, or its directory has news (read now, so that it is not reported again). */
    private void report(long key) {
        Watch woken = null;
        fds.lock();
        try {
            Registration r = registrations.get(key);
            if (r == null) {
                return; // its wait ended meanwhile
            }
            if (!r.inotify()) {
                woken = r.watch();
            } else {
                for (String name : KernelEvents.inotifyNames(r.fd())) {
                    if (r.watch().files.contains(name)) {
                        woken = r.watch();
                    }
                }
            }
        } finally {
            fds.unlock();
        }
        if (woken != null) {
            woken.wake();
        }
    }

    /** How many descriptors the watcher watches now (for tests: a wait has registered). */
    int watched() {
        return registrations.size();
    }

    /** Whether the watcher's thread runs (for tests: closing ends it). */
    boolean threadAlive() {
        return thread != null && thread.isAlive();
    }

    /** How many waits ended on a look that followed the kernel's report (for tests and diagnostics). */
    long seenByWatch() {
        return seenByWatch.get();
    }

    /** How many waits ended on a look that no report prompted: a poll, or a wait on a polling watcher. */
    long seenByLook() {
        return seenByLook.get();
    }

    /** Ends the thread (at once) and closes the set; waits still watching go on by looking. */
    @Override
    public void close() {
        if (!kernel() || closed) {
            return;
        }
        closed = true;
        KernelEvents.eventfdSignal(stopFd);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Long key : List.copyOf(registrations.keySet())) {
            unregister(key);
        }
        if (!thread.isAlive()) {
            LibC.close(stopFd);
            LibC.close(epfd);
        }
    }

    /**
     * What one wait pauses on between two looks. With the kernel's watcher: until the watcher reports (at most the
     * ceiling); without: the growing pauses of {@link PollBackoff}.
     */
    final class Watch implements AutoCloseable {
        private final Set<String> files;
        private final Semaphore reports = new Semaphore(0);
        private final List<Long> keys = new ArrayList<>();
        private final PollBackoff backoff;
        private boolean paused;
        private boolean lastPauseReported;

        private Watch(Set<String> files, long ceilingMillis) {
            this.files = Set.copyOf(files);
            this.backoff = new PollBackoff(ceilingMillis);
        }

        private void wake() {
            reports.release();
        }

        private boolean watching() {
            return !keys.isEmpty();
        }

        /** Pauses until the watcher reports or the next look is due, at most {@code limitMillis}: whether the watcher reported. */
        boolean pause(long limitMillis) {
            paused = true;
            if (!watching()) {
                lastPauseReported = false;
                backoff.pause(limitMillis);
                return false;
            }
            try {
                lastPauseReported = reports.tryAcquire(Math.max(1, Math.min(limitMillis, lookEveryMillis)), TimeUnit.MILLISECONDS);
                reports.drainPermits();
                return lastPauseReported;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Pause.Interrupted(e);
            }
        }

        /** The wait saw what it waited for: counts whether a report or a plain look brought it. */
        void seen() {
            if (paused) {
                (lastPauseReported ? seenByWatch : seenByLook).incrementAndGet();
            }
        }

        @Override
        public void close() {
            for (Long key : keys) {
                unregister(key);
            }
            keys.clear();
        }
    }
}
