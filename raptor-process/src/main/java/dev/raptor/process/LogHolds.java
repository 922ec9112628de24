package dev.raptor.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The console log files that followers in this JVM have not finished reading, told to the pump of a server's run
 * (pump.awk) through the record's {@value #FILE}: one line, the {@link RecordFiles.LogFile#seq() seq} of the oldest
 * file any follower still needs (absent: none). The pump rotates without the daemon; without this, a follower that
 * a loaded machine schedules late, while the server writes {@code logFiles} files' worth, would find its file
 * deleted and lose the lines in it.
 *
 * <p><b>Bounded.</b> The pump keeps a held file beyond its {@code logFiles} only while the run has at most twice
 * that many files (and {@link Supervisor} likewise when the next run begins), so a follower that stalls, or a
 * holder that died with its daemon (a stale {@value #FILE}), costs at most {@code logFiles} more files of disk, never
 * more. A follower that falls further behind finds its file gone and says so with a "lines skipped" line
 * ({@link ConsoleLog#readFrom}), never silence.
 *
 * <p>One registry per record directory for the whole JVM (a directory, not a runtime: two runtimes on one state
 * directory, one after the other in tests, share the file), kept for the JVM's life: a few dozen bytes per server
 * ever followed. The file is written by one thread at a time and never under the lock (rule: no I/O under a lock):
 * whoever changes a hold while another thread writes leaves the new value to that writer, which writes again
 * until nothing changed meanwhile, so the last write always carries the newest value.
 */
final class LogHolds {
    private static final Logger log = LoggerFactory.getLogger(LogHolds.class);
    /** The file in the record directory the pump reads at every rotation. */
    static final String FILE = "console.hold";
    private static final Map<Path, LogHolds> BY_DIR = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: each live hold and the seq of the oldest file it needs. */
    private final Map<Hold, Long> held = new HashMap<>();
    /** Guarded by {@link #lock}: the file does not say what {@link #held} says yet. */
    private boolean dirty;
    /** Guarded by {@link #lock}: a thread is writing the file (and will write again while {@link #dirty}). */
    private boolean writing;

    private LogHolds(Path dir) {
        this.file = dir.resolve(FILE);
    }

    /** Holds every log file of {@code files} from {@code seq} on until the returned hold moves past them or closes. */
    static Hold hold(RecordFiles files, long seq) {
        LogHolds holds = BY_DIR.computeIfAbsent(files.dir(), LogHolds::new);
        Hold h = holds.new Hold();
        holds.set(h, seq);
        return h;
    }

    /** The seq the record's {@value #FILE} holds from, whoever wrote it; -1 when nothing is held. */
    static long oldestHeld(RecordFiles files) {
        return RecordFiles.readSmall(files.dir().resolve(FILE)).map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException garbled) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /** One follower's claim: the log files from {@link #moveTo its seq} on. */
    final class Hold implements AutoCloseable {
        /** The follower has finished every file before {@code seq}: those may go. */
        void moveTo(long seq) {
            set(this, seq);
        }

        /** The follower has ended. Idempotent. */
        @Override
        public void close() {
            set(this, -1);
        }
    }

    /** Sets {@code h}'s seq (-1: releases it) and has the file say the new oldest, if that changed. */
    private void set(Hold h, long seq) {
        lock.lock();
        try {
            Long before = seq < 0 ? held.remove(h) : held.put(h, seq);
            if (before != null && before == seq) {
                return;
            }
            if (before == null && seq < 0) {
                return; // closed twice
            }
            dirty = true;
            if (writing) {
                return; // the writer takes the new value on its next round
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        writeUntilCurrent();
    }

    private void writeUntilCurrent() {
        boolean done = false;
        try {
            while (true) {
                long oldest;
                lock.lock();
                try {
                    if (!dirty) {
                        writing = false;
                        done = true;
                        return;
                    }
                    dirty = false;
                    oldest = held.values().stream().mapToLong(Long::longValue).min().orElse(-1);
                } finally {
                    lock.unlock();
                }
                write(oldest);
            }
        } finally {
            if (!done) {
                lock.lock();
                try {
                    writing = false;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void write(long oldest) {
        try {
            if (oldest < 0) {
                Files.deleteIfExists(file);
            } else {
                RecordFiles.writeAtomically(file, oldest + "\n");
            }
        } catch (NoSuchFileException recordGone) {
            // the container was removed: nothing left to hold
        } catch (IOException e) {
            log.warn("console log hold {} not written: {}", file, e.toString());
        }
    }
}
