package dev.raptor.sftp.ssh;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriter;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.channel.ChannelSession;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SFTP subsystem's replies written straight into the channel as {@code SSH_MSG_CHANNEL_DATA} packets.
 *
 * <p>Why not MINA's {@code BufferedIoOutputStream} over the channel's {@code ChannelAsyncOutputStream}, which
 * {@code SftpSubsystem} uses: that pair copies each reply twice more (the whole reply into a private buffer as soon
 * as it does not fit one packet, then each packet's slice into a packet buffer), and admits only about one 255 KiB
 * reply at a time ({@code buffered-io-output-max-pending-write-size}, 256 KiB), so the I/O thread that encrypts
 * and writes the packets waits for the subsystem's thread to read the next request's data from the file, and the
 * subsystem's thread waits for the last packet of the previous reply. A profile of a 1 GiB get (JFR, 2026-12-05)
 * had about half of that I/O thread's samples in the buffered stream's bookkeeping of finished writes.
 *
 * <p>Here a reply is cut into packets once (or {@link DirectSftpSubsystem} reads the file into them directly), the
 * subsystem's thread takes the peer's window for each packet and puts it in an outbox, and the packets are handed
 * to the session in order by whichever thread finds no write under way: the write-completion callback goes on with
 * the next packet in the same loop while the outbox has any, so one I/O thread encrypts and writes packet after
 * packet with no hand-over between threads per packet, up to {@link #maxQueued} bytes ahead of the socket.
 *
 * <p>Two limits keep this from queueing without bound: the peer's channel window (waited for, as MINA's blocking
 * {@code ChannelOutputStream} does; a packet is never larger than what the window allows, so a peer that adjusts its
 * window late is never waited for forever), and {@link #maxQueued} bytes handed over but not yet written to the
 * socket (a client announcing a huge window but reading slowly cannot make the daemon buffer a file). Both waits
 * give up after {@code buffered-io-output-max-pending-write-wait} (MINA's limit for the stream this replaces).
 */
final class ChannelDataWriter {
    /** Bytes before a packet's data: the SSH header (length, padding length), the message code, recipient, data length. */
    static final int DATA_OFFSET = SshConstants.SSH_PACKET_HEADER_LEN + 1 + Integer.BYTES + Integer.BYTES;
    private static final int LENGTH_OFFSET = DATA_OFFSET - Integer.BYTES;

    private final ChannelSession channel;
    private final Session session;
    private final RemoteWindow window;
    private final ChannelStreamWriter writer;
    private final Duration maxWait;
    private final long maxQueued;
    private final Object queueLock = new Object();
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pumping = new AtomicBoolean();
    private long queued;
    private boolean waiting;
    private volatile Throwable failure;

    ChannelDataWriter(ChannelSession channel, long maxQueued) {
        this.channel = channel;
        this.session = channel.getSession();
        this.window = channel.getRemoteWindow();
        this.writer = channel.resolveChannelStreamWriter(channel, SshConstants.SSH_MSG_CHANNEL_DATA);
        this.maxWait = CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.getRequired(channel);
        this.maxQueued = maxQueued;
    }

    /** The most data one packet may carry: the peer's maximum packet size. */
    int maxPacketData() {
        return (int) Math.min(window.getPacketSize(), Integer.MAX_VALUE - 64);
    }

    /**
     * An empty packet for up to {@code capacity} bytes of data, to be filled from {@link #DATA_OFFSET} (its write
     * position) and handed to {@link #send}.
     */
    Buffer packet(int capacity) {
        Buffer b = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, capacity + 2 * Integer.BYTES);
        b.putUInt(channel.getRecipient());
        b.putUInt(0); // the data length, set by send
        return b;
    }

    /** Writes {@code data} (the buffer's readable bytes), in as many packets as it takes. */
    synchronized void write(Buffer data) throws IOException {
        copyOut(data.array(), data.rpos(), data.available());
    }

    /**
     * Sends a packet from {@link #packet}: its bytes from {@link #DATA_OFFSET} to its write position. Without a
     * copy when the window has room for all of it and it is no larger than the peer's packets may be, which is the
     * usual case; otherwise in smaller packets, copied.
     */
    synchronized void send(Buffer packet) throws IOException {
        int length = packet.wpos() - DATA_OFFSET;
        if (length <= 0) {
            return;
        }
        long available = waitForWindow();
        if (available >= length && length <= maxPacketData()) {
            window.consume(length);
            BufferUtils.putUInt(length, packet.array(), LENGTH_OFFSET, Integer.BYTES);
            queue(packet, length);
        } else {
            copyOut(packet.array(), DATA_OFFSET, length);
        }
    }

    private void copyOut(byte[] data, int offset, int length) throws IOException {
        int max = maxPacketData();
        while (length > 0) {
            int n = (int) Math.min(Math.min(length, max), waitForWindow());
            Buffer p = packet(n);
            p.putRawBytes(data, offset, n);
            window.consume(n);
            BufferUtils.putUInt(n, p.array(), LENGTH_OFFSET, Integer.BYTES);
            queue(p, n);
            offset += n;
            length -= n;
        }
    }

    private long waitForWindow() throws IOException {
        try {
            return window.waitForSpace(maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (IOException) new InterruptedIOException("interrupted waiting for the SFTP client's window").initCause(e);
        }
    }

    /**
     * Hands a finished packet to the session, in order: at once if no write is under way (this thread encrypts it),
     * else to the outbox that the write-completion callback drains (the I/O thread encrypts them). Either way a
     * write that completes at once is followed by the next packet in the same loop, so a download is one I/O thread
     * encrypting and writing packet after packet, with no hand-over between threads per packet; the subsystem's
     * thread meanwhile reads the next request's packets from the file.
     */
    private void queue(Buffer packet, int length) throws IOException {
        awaitQueueRoom(length);
        outbox.add(new Outgoing(packet, length));
        pump();
        Throwable t = failure;
        if (t != null) {
            throw t instanceof IOException io ? io : new IOException("writing to the SFTP client failed", t);
        }
    }

    private record Outgoing(Buffer packet, int length) {
    }

    private void pump() {
        while (!outbox.isEmpty() && pumping.compareAndSet(false, true)) {
            Outgoing o;
            while ((o = outbox.poll()) != null) {
                IoWriteFuture written;
                try {
                    written = writer.writeData(o.packet());
                } catch (IOException | RuntimeException e) {
                    dequeued(o.length(), e);
                    continue; // the rest fail the same way, each releasing its room
                }
                if (!written.isDone()) {
                    Outgoing sent = o;
                    written.addListener(f -> {
                        dequeued(sent.length(), f.isWritten() ? null : f.getException());
                        pumping.set(false);
                        pump();
                    });
                    return; // still pumping: the listener goes on
                }
                dequeued(o.length(), written.isWritten() ? null : written.getException());
            }
            pumping.set(false);
        }
    }

    private void awaitQueueRoom(int length) throws IOException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (queueLock) {
            // one packet may always go when nothing is queued, whatever its size
            while (failure == null && queued > 0 && queued + length > maxQueued) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("the SFTP client read nothing for " + maxWait.toSeconds() + " s");
                }
                waiting = true;
                try {
                    queueLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw (IOException) new InterruptedIOException("interrupted waiting to write to the SFTP client").initCause(e);
                } finally {
                    waiting = false;
                }
            }
            if (failure != null) {
                throw failure instanceof IOException io ? io : new IOException("writing to the SFTP client failed", failure);
            }
            queued += length;
        }
    }

    private void dequeued(int length, Throwable error) {
        synchronized (queueLock) {
            queued -= length;
            if (error != null && failure == null) {
                failure = error;
            }
            // wake the subsystem's thread once half the room is free, not after every packet
            if (waiting && (queued <= maxQueued / 2 || failure != null)) {
                queueLock.notifyAll();
            }
        }
    }
}
