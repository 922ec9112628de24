package dev.raptor.files;

import dev.raptor.files.jail.Errno;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Session;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Creates and writes an extraction's small files on threads of their own while the extraction's thread reads on
 * through the archive. Why: for a tree of many small files, most of an extraction's time is the kernel creating
 * inodes (on ext4, scanning the inode bitmap and table for a free one), and that runs in the thread that creates
 * the file; with one writer it runs on one core only, however many the machine has.
 *
 * <p>The extraction's thread stays in charge of everything that orders the tree: it checks each entry, creates the
 * directories (a file is handed over only once its parent exists, with that parent's descriptor, which it keeps
 * open until the file is written), counts the bytes against the quota, and before an entry that touches a path a
 * handed file may still be writing (a later entry of the same name, a hard link to it) it {@link #drain}s. Links and
 * directory modes and times are its own. So the tree is the same whatever order the writers finish in.
 *
 * <p>Memory is flat: at most {@link #BYTES_IN_FLIGHT} of content (and at most one file more, being read) waits for a
 * writer; {@link #submit} blocks beyond that. The first failure of a writer is kept and thrown by the next
 * {@link #submit} or {@link #drain} (the same exception, so a full disk is still a {@link DiskFullException});
 * after it, what is queued is dropped. {@link #close} drops what is queued and returns once every writer thread has
 * ended, so nothing writes into a staging tree that its caller is about to remove.
 */
final class FileWriters implements AutoCloseable {
    /** Files up to this size are handed to a writer; larger ones are written by the extraction's thread as they stream. */
    static final long SMALL_FILE_BYTES = 1024 * 1024;
    /** Content waiting for a writer, at most. */
    static final int BYTES_IN_FLIGHT = 16 * 1024 * 1024;
    /** What a queued file costs at least (so that empty files are bounded in number too). */
    private static final int MIN_COST = 4096;

    /**
     * Leaf names whose writing fails as a full disk does, for tests: a writer's failure is otherwise hard to cause
     * in a private staging tree (the process runs as root in the tests). Empty in production.
     */
    static final Set<String> FAIL_FOR_TESTS = ConcurrentHashMap.newKeySet();

    /** One file to write: its parent's descriptor stays open (the extraction's) until {@link #drain} returns. */
    record Job(Fd parent, byte[] leaf, JailPath path, String shown, byte[] content, int mode, Instant modified) {
        int cost() {
            return Math.max(MIN_COST, content.length);
        }
    }

    private static final Job STOP = new Job(null, null, null, null, new byte[0], 0, null);

    private final Jail jail;
    private final Progress progress;
    private final int threadCount;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(BYTES_IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final List<Thread> threads = new ArrayList<>();
    /** Paths handed over since the last drain (the extraction's thread only). */
    private final Set<JailPath> handed = new HashSet<>();
    private int pending; // guarded by lock
    private volatile boolean dropping;
    private boolean closed;

    /**
     * @param jail    the jail the files are created in (each writer opens its own session on it: a session is
     *                confined to its thread)
     * @param threads how many writer threads, started at the first file handed over
     */
    FileWriters(Jail jail, Progress progress, int threads) {
        this.jail = jail;
        this.progress = progress;
        this.threadCount = threads;
    }

    /** Writers for a machine with this many cores: at least two (they mostly wait in the kernel), at most four. */
    static int threadsFor(int cores) {
        return Math.max(2, Math.min(4, cores));
    }

    /** Whether a file handed over since the last {@link #drain} has this path. */
    boolean isHanded(JailPath path) {
        return handed.contains(path);
    }

    /**
     * Hands one file over; blocks while {@link #BYTES_IN_FLIGHT} wait already.
     *
     * @throws IOException the first failure of a writer, if one failed
     */
    void submit(Job job) throws IOException {
        rethrowFailure();
        if (threads.isEmpty()) {
            start();
        }
        try {
            room.acquire(job.cost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(job.shown(), "interrupted while extracting " + job.shown());
        }
        lock.lock();
        try {
            pending++;
        } finally {
            lock.unlock();
        }
        handed.add(job.path());
        queue.add(job);
    }

    /**
     * Waits until every file handed over is written.
     *
     * @throws IOException the first failure of a writer, if one failed
     */
    void drain() throws IOException {
        lock.lock();
        try {
            while (pending > 0) {
                idle.awaitUninterruptibly(); // a writer never blocks on anything but the kernel: this ends
            }
        } finally {
            lock.unlock();
        }
        handed.clear();
        rethrowFailure();
    }

    private void rethrowFailure() throws IOException {
        Throwable t = failure.get();
        switch (t) {
            case null -> {
            }
            case IOException io -> throw io;
            case RuntimeException re -> throw re;
            case Error err -> throw err;
            default -> throw new IOException(t);
        }
    }

    private void start() {
        for (int i = 0; i < threadCount; i++) {
            // Platform threads: a writer spends its time in system calls through FFM, which would pin a virtual
            // thread's carrier anyway.
            Thread t = Thread.ofPlatform().daemon().name("extract-writer-" + i).unstarted(this::work);
            threads.add(t);
            t.start();
        }
    }

    private void work() {
        Session s = null;
        try {
            s = jail.open();
        } catch (IOException | RuntimeException e) {
            failed(e); // this writer only drops what it takes; the failure stops the extraction
        }
        try {
            while (true) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    continue; // only STOP ends a writer, so that close() knows nothing writes any more
                }
                if (job == STOP) {
                    return;
                }
                try {
                    if (s != null && failure.get() == null && !dropping) {
                        write(s, job);
                    }
                } catch (Throwable t) {
                    failed(t);
                } finally {
                    room.release(job.cost());
                    done();
                }
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    private void write(Session s, Job job) throws IOException {
        try (Fd fd = s.createExclusive(job.parent(), job.leaf(), 0600, job.shown())) {
            if (job.content().length > 0) {
                if (!FAIL_FOR_TESTS.isEmpty() && FAIL_FOR_TESTS.contains(job.path().name())) {
                    throw Errno.toException(Errno.ENOSPC, "write", job.shown());
                }
                s.write(fd, job.content(), 0, job.content().length, job.shown());
            }
            s.fchmod(fd, job.mode(), job.shown());
            if (job.modified() != null) {
                s.setOpenFileModified(fd, job.modified(), job.shown());
            }
        }
        progress.addFile();
    }

    private void failed(Throwable t) {
        failure.compareAndSet(null, t);
    }

    private void done() {
        lock.lock();
        try {
            if (--pending == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is still queued and waits for every writer thread to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dropping = true;
        for (int i = 0; i < threads.size(); i++) {
            queue.add(STOP);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
