package dev.raptor.api.agent;

import dev.raptor.files.Progress;
import dev.raptor.files.RestorePhase;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The body of a node agent's answer to a backup or a restore: once the answer has started (200), what happens on the
 * node still has to reach the manager: the archive's bytes, how far the node is, the restore's phases, and how it
 * ended, a problem included (a status cannot say it any more). So the body is a sequence of frames, each a kind byte
 * and its payload; it ends with {@link #END} or {@link #ERROR}, and a body that stops before either is a broken
 * connection, never taken for a finished archive.
 */
final class AgentFrames {
    static final String MEDIA_TYPE = "application/x-raptor-agent-frames";
    /** Archive bytes: a length (int), then that many bytes. */
    static final byte DATA = 'D';
    /** Progress: bytes done, bytes total, files done, files total (longs). */
    static final byte PROGRESS = 'P';
    /** A restore's phase: its name (UTF). */
    static final byte PHASE = 'S';
    /** The end, done: a JSON document (UTF-8, length-prefixed) with the result. */
    static final byte END = 'K';
    /** The end, failed: a problem document (JSON, length-prefixed). */
    static final byte ERROR = 'E';
    private static final int CHUNK = 256 * 1024;

    private AgentFrames() {
    }

    /** Writes frames; safe from several threads (progress comes from the archiver's, bytes from the writer's). */
    static final class Writer {
        private final DataOutputStream out;
        private final ReentrantLock lock = new ReentrantLock();

        Writer(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        /** An output stream whose bytes go out as {@link #DATA} frames (buffered to chunks). */
        OutputStream data() {
            return new java.io.BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return;
                    }
                    lock.lock();
                    try {
                        out.writeByte(DATA);
                        out.writeInt(len);
                        out.write(b, off, len);
                    } finally {
                        lock.unlock();
                    }
                }
            }, CHUNK);
        }

        void progress(Progress.Snapshot s) {
            lock.lock();
            try {
                out.writeByte(PROGRESS);
                out.writeLong(s.bytesDone());
                out.writeLong(s.bytesTotal());
                out.writeLong(s.filesDone());
                out.writeLong(s.filesTotal());
                out.flush();
            } catch (IOException gone) {
                // the manager went away: the next data frame fails the work
            } finally {
                lock.unlock();
            }
        }

        void phase(RestorePhase phase) throws IOException {
            lock.lock();
            try {
                out.writeByte(PHASE);
                out.writeUTF(phase.name());
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        void end(byte kind, byte[] json) throws IOException {
            lock.lock();
            try {
                out.writeByte(kind);
                out.writeInt(json.length);
                out.write(json);
                out.flush();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How a frame stream ended. */
    record Ending(boolean failed, String json) {
    }

    /**
     * Reads frames until the end: archive bytes into {@code data} (null: none expected), progress into {@code progress}
     * (as the node counted it), phases into {@code phases}.
     *
     * @throws EOFException when the stream stops before its end frame
     */
    static Ending read(InputStream in, OutputStream data, Progress progress, Consumer<RestorePhase> phases) throws IOException {
        DataInputStream frames = new DataInputStream(in);
        byte[] buf = new byte[CHUNK];
        long bytesSeen = 0;
        long filesSeen = 0;
        while (true) {
            int kind = frames.read();
            switch (kind) {
                case -1 -> throw new EOFException("the node agent's answer ended before its last frame (the connection broke)");
                case DATA -> {
                    int len = frames.readInt();
                    if (len < 0 || data == null) {
                        throw new IOException("the node agent sent archive bytes where none belong");
                    }
                    while (len > 0) {
                        int n = frames.read(buf, 0, Math.min(len, buf.length));
                        if (n < 0) {
                            throw new EOFException("the node agent's answer ended inside a frame (the connection broke)");
                        }
                        data.write(buf, 0, n);
                        len -= n;
                    }
                }
                case PROGRESS -> {
                    long bytesDone = frames.readLong();
                    long bytesTotal = frames.readLong();
                    long filesDone = frames.readLong();
                    long filesTotal = frames.readLong();
                    progress.totals(bytesTotal, filesTotal);
                    if (filesDone > filesSeen) {
                        for (long i = filesSeen; i < filesDone; i++) {
                            progress.addFile();
                        }
                        filesSeen = filesDone;
                    }
                    if (bytesDone > bytesSeen) {
                        progress.addBytes(bytesDone - bytesSeen);
                        bytesSeen = bytesDone;
                    }
                }
                case PHASE -> {
                    String name = frames.readUTF();
                    try {
                        phases.accept(RestorePhase.valueOf(name));
                    } catch (IllegalArgumentException unknown) {
                        // a newer agent's phase: only a progress detail
                    }
                }
                case END, ERROR -> {
                    int len = frames.readInt();
                    if (len < 0 || len > 1 << 20) {
                        throw new IOException("the node agent's last frame is " + len + " bytes long");
                    }
                    return new Ending(kind == ERROR, new String(frames.readNBytes(len), StandardCharsets.UTF_8));
                }
                default -> throw new IOException("the node agent sent a frame of unknown kind " + kind);
            }
        }
    }
}
