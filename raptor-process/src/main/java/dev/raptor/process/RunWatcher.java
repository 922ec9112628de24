package dev.raptor.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>A {@link Watch} only wakes its wait early: the wait still looks at the record itself after each wake and on its
 * own {@link PollBackoff} pauses as well (whichever comes first: on a busy host the report, which wakes two threads one
 * after the other, can come later than the wait's own next look), and its caller's deadline bounds it, so a missed or
 * spurious report costs at most one ordinary look, never a hang. Where the kernel has no pidfd (Linux before 5.3) or the
 * calls fail, the watcher is the polling one: the same waits look with {@link PollBackoff} alone, as before.
 *
 * <p>Opt-in ({@code -Draptor.process.waits=kernel}, see {@link ProcessRuntime#open}): on the 2-core machine the bench
 * runs on, a round of create, start, stop and delete measured slower with the kernel's reports than polling alone.
 *
 * <p>One inotify instance serves every record directory for the runtime's life: closing an inotify instance waits for
 * the kernel's SRCU grace period (8 to 19 ms measured on a busy host), which a wait closing its own would add to every
 * start and stop. Removing one directory's watch does not wait.
 */
final class RunWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunWatcher.class);
    private static final int MAX_EVENTS = 32;
    /** The key of the eventfd that wakes the thread to end, and of the one inotify instance. */
    private static final long STOP_KEY = 0;
    private static final long INOTIFY_KEY = 1;
    private static final int DIRECTORY_EVENTS = KernelEvents.IN_CLOSE_WRITE | KernelEvents.IN_MOVED_TO;

    private final int epfd;
    private final int stopFd;
    /** One inotify instance for every record directory, for good: closing one waits for an SRCU grace period. */
    private final int inotifyFd;
    /** With the kernel's reports: the longest pause of a wait between two looks (a missed report costs no more). */
    private final long lookEveryMillis;
    /** With the kernel's reports: whether waits also look on their own growing pauses (else only every lookEveryMillis). */
    private final boolean looksBesideReports;
    private final Thread thread;
    private final AtomicLong keys = new AtomicLong(INOTIFY_KEY);
    /** Every pidfd in the set, by the key epoll reports it with. Changed and read under {@link #fds}. */
    private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
    /** The waits on each watched directory, by inotify watch descriptor. Only under {@link #fds}. */
    private final Map<Integer, Set<Watch>> directories = new HashMap<>();
    /** Held while a descriptor is read, taken out of the set or closed (never across a wait): no number is reused under a read. */
    private final ReentrantLock fds = new ReentrantLock();
    private final AtomicLong seenByWatch = new AtomicLong();
    private final AtomicLong seenByLook = new AtomicLong();
    private volatile boolean closed;

    private record Registration(int fd, Watch watch) {
    }

    /** How a runtime's waits learn that what they wait for happened. */
    enum Mode {
        /** The kernel's reports where it has them, and the waits' own looks, whichever comes first (the default). */
        REPORTS_AND_LOOKS,
        /** The kernel's reports, and a look every poll interval only (tests: what a wait saw, the report brought). */
        REPORTS,
        /** Looks alone ({@link PollBackoff}), as on a kernel without pidfds. */
        LOOKS
    }

    private RunWatcher(int epfd, int stopFd, int inotifyFd, long lookEveryMillis, boolean looksBesideReports) {
        this.looksBesideReports = looksBesideReports;
        this.epfd = epfd;
        this.stopFd = stopFd;
        this.inotifyFd = inotifyFd;
        this.lookEveryMillis = lookEveryMillis;
        if (epfd < 0) {
            this.thread = null;
            return;
        }
        this.thread = Thread.ofPlatform().daemon().name("process-run-watch").stackSize(256 * 1024).start(this::loop);
    }

    /**
     * The kernel's watcher unless {@code mode} is {@link Mode#LOOKS} or this kernel lacks pidfds, epoll or inotify; else
     * the polling one, which has no thread and nothing to close.
     *
     * @param lookEveryMillis with the kernel's reports, the longest pause of a wait between two looks all the same
     */
    static RunWatcher open(Mode mode, long lookEveryMillis) {
        long lookEvery = Math.max(1, lookEveryMillis);
        if (mode == Mode.LOOKS) {
            return new RunWatcher(-1, -1, -1, lookEvery, true);
        }
        try {
            int probe = KernelEvents.pidfdOpen(ProcessHandle.current().pid());
            if (probe < 0) {
                log.info("pidfd_open is not available (errno {}): the process runtime looks for exits by polling", -probe);
                return new RunWatcher(-1, -1, -1, lookEvery, true);
            }
            LibC.close(probe);
            int epfd = KernelEvents.epollCreate();
            if (epfd < 0) {
                log.info("epoll_create1 failed (errno {}): the process runtime looks for exits by polling", -epfd);
                return new RunWatcher(-1, -1, -1, lookEvery, true);
            }
            int stopFd = KernelEvents.eventfd();
            int inotifyFd = KernelEvents.inotifyInit();
            if (stopFd < 0 || inotifyFd < 0 || KernelEvents.epollAdd(epfd, stopFd, KernelEvents.EPOLLIN, STOP_KEY) != 0
                    || KernelEvents.epollAdd(epfd, inotifyFd, KernelEvents.EPOLLIN, INOTIFY_KEY) != 0) {
                log.info("eventfd or inotify failed: the process runtime looks for exits by polling");
                for (int fd : new int[] {stopFd, inotifyFd, epfd}) {
                    if (fd >= 0) {
                        LibC.close(fd);
                    }
                }
                return new RunWatcher(-1, -1, -1, lookEvery, true);
            }
            return new RunWatcher(epfd, stopFd, inotifyFd, lookEvery, mode == Mode.REPORTS_AND_LOOKS);
        } catch (IllegalStateException | UnsupportedOperationException e) {
            log.info("the kernel's process events cannot be used ({}): the process runtime looks for exits by polling", e.getMessage());
            return new RunWatcher(-1, -1, -1, lookEvery, true);
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
        boolean ok = files.isEmpty() || watchDirectory(w, dir);
        if (ok && pid > 0) {
            int fd = KernelEvents.pidfdOpen(pid);
            if (fd == -LibC.ESRCH) {
                w.wake(); // already gone: the first look sees it
            } else if (fd < 0) {
                ok = false;
            } else {
                ok = register(w, fd);
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

    /** Adds {@code w} to the waits on {@code dir}, watching it if nobody does yet. */
    private boolean watchDirectory(Watch w, Path dir) {
        fds.lock();
        try {
            int wd = KernelEvents.inotifyAddWatch(inotifyFd, dir, DIRECTORY_EVENTS);
            if (wd < 0) {
                return false;
            }
            directories.computeIfAbsent(wd, k -> new HashSet<>()).add(w);
            w.wd = wd;
            return true;
        } finally {
            fds.unlock();
        }
    }

    private void unwatchDirectory(Watch w) {
        fds.lock();
        try {
            Set<Watch> waits = directories.get(w.wd);
            if (waits != null && waits.remove(w) && waits.isEmpty()) {
                directories.remove(w.wd);
                KernelEvents.inotifyRemoveWatch(inotifyFd, w.wd);
            }
            w.wd = -1;
        } finally {
            fds.unlock();
        }
    }

    /** Adds the pidfd {@code fd} of {@code w}'s supervisor to the set, reported once. */
    private boolean register(Watch w, int fd) {
        long key = keys.incrementAndGet();
        fds.lock();
        try {
            registrations.put(key, new Registration(fd, w));
            w.keys.add(key);
            if (KernelEvents.epollAdd(epfd, fd, KernelEvents.EPOLLIN | KernelEvents.EPOLLONESHOT, key) != 0) {
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
                    if (ready[i] == INOTIFY_KEY) {
                        reportDirectories();
                    } else if (ready[i] != STOP_KEY) {
                        report(ready[i]);
                    }
                }
            }
        } finally {
            fds.lock();
            try {
                registrations.values().forEach(r -> r.watch().wake()); // their waits go on by looking
                directories.values().forEach(waits -> waits.forEach(Watch::wake));
            } finally {
                fds.unlock();
            }
        }
    }

    /** A pidfd is ready: its process ended. */
    private void report(long key) {
        Registration r = registrations.get(key);
        if (r != null) {
            r.watch().wake();
        }
    }

    /** The inotify instance has news: wakes the waits for the files written (the queue is read empty, so it is not reported again). */
    private void reportDirectories() {
        Set<Watch> woken = new HashSet<>();
        fds.lock();
        try {
            for (KernelEvents.InotifyEvent e : KernelEvents.inotifyEvents(inotifyFd)) {
                Set<Watch> waits = (e.mask() & KernelEvents.IN_IGNORED) != 0 ? directories.remove(e.wd()) : directories.get(e.wd());
                if (waits == null) {
                    continue;
                }
                for (Watch w : waits) {
                    if (w.files.contains(e.name()) || (e.mask() & KernelEvents.IN_IGNORED) != 0) {
                        woken.add(w);
                    }
                }
            }
        } finally {
            fds.unlock();
        }
        woken.forEach(Watch::wake);
    }

    /** How many things the watcher watches now for waits, processes and directories (for tests: a wait has registered). */
    int watched() {
        fds.lock();
        try {
            return registrations.size() + directories.values().stream().mapToInt(Set::size).sum();
        } finally {
            fds.unlock();
        }
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
            LibC.close(inotifyFd);
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
        /** The inotify watch of its directory, or -1. */
        private int wd = -1;
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
            return !keys.isEmpty() || wd >= 0;
        }

        /** Pauses until the watcher reports or the wait's next look is due, at most {@code limitMillis}: whether the watcher reported. */
        boolean pause(long limitMillis) {
            paused = true;
            if (!watching()) {
                lastPauseReported = false;
                backoff.pause(limitMillis);
                return false;
            }
            try {
                long limit = Math.max(1, Math.min(limitMillis, lookEveryMillis));
                long micros = looksBesideReports ? backoff.next(limit) : limit * 1_000;
                lastPauseReported = reports.tryAcquire(micros, TimeUnit.MICROSECONDS);
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
            if (wd >= 0) {
                unwatchDirectory(this);
            }
        }
    }
}
