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

/**
 * The SFTP subsystem's replies written straight into the channel as {@code SSH_MSG_CHANNEL_DATA} packets, from the
 * subsystem's own thread, which also encrypts them (MINA encodes a packet on the thread that writes it).
 *
 * <p>Why not MINA's {@code BufferedIoOutputStream} over the channel's {@code ChannelAsyncOutputStream}, which
 * {@code SftpSubsystem} uses: that pair copies each reply twice more (the whole reply into a private buffer as soon
 * as it does not fit one packet, then each packet's slice into a packet buffer) and sends one packet at a time, the
 * next only from the previous one's write-completion callback on the I/O thread. A 255 KiB READ answer is eight
 * packets of OpenSSH's 32 KiB, so a download was a chain of completion callbacks on one I/O thread that encrypted
 * every packet and spent about half of its samples in the buffered stream's bookkeeping of finished writes (JFR,
 * 2026-12-05). Here a reply is cut into packets once (or {@link #packet read into them directly}), each packet is
 * encrypted and queued at once, and the I/O thread only writes them to the socket.
 *
 * <p>Two limits keep this from queueing without bound: the peer's channel window (waited for, as MINA's blocking
 * {@code ChannelOutputStream} does; a packet is never larger than what the window allows, so a peer that adjusts its
 * window late is never waited for forever), and {@link #maxQueued} bytes handed to the session but not yet written to
 * the socket (a client announcing a huge window but reading slowly cannot make the daemon buffer a file). Both waits
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
    private long queued;
    private Throwable failure;

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

    /** Hands a finished packet to the session (which encrypts it here and queues it for the socket). */
    private void queue(Buffer packet, int length) throws IOException {
        awaitQueueRoom(length);
        IoWriteFuture written;
        try {
            written = writer.writeData(packet);
        } catch (IOException | RuntimeException e) {
            dequeued(length, e);
            throw e;
        }
        written.addListener(f -> dequeued(length, f.isWritten() ? null : f.getException()));
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
                try {
                    queueLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw (IOException) new InterruptedIOException("interrupted waiting to write to the SFTP client").initCause(e);
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
            queueLock.notifyAll();
        }
    }
}
