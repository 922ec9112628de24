package dev.raptor.sftp.ssh;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MINA's SFTP subsystem with its replies written by a {@link ChannelDataWriter} instead of MINA's buffered
 * asynchronous stream, and READ answered by reading the file straight into the SSH packets that carry the data.
 *
 * <p>MINA's {@code doRead} reads into the request's buffer grown to 255 KiB (a fresh array per request), and its
 * output stream then copies the answer whole and again packet by packet before each packet is encrypted: three
 * copies of every downloaded byte in Java, besides the file read's own. Here the file is read into the packets
 * (OpenSSH's client allows 32 KiB each), which are encrypted in place and queued: one copy, the read's. Everything
 * else (handles, the accessor, the jail, statuses, event listeners) is MINA's, through its protected API.
 */
final class DirectSftpSubsystem extends SftpSubsystem {
    /**
     * The most reply bytes handed to the session but not yet written to the socket: OpenSSH's own channel window
     * (2 MiB), so with OpenSSH's client the window is what binds.
     */
    static final long MAX_QUEUED = 2L * 1024 * 1024;

    /** The SSH_FXP_DATA header inside the first packet: length, type, request id, data length. */
    private static final int DATA_HEADER = Integer.BYTES + 1 + Integer.BYTES + Integer.BYTES;

    private final ChannelDataWriter writer;

    DirectSftpSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator) {
        super(channel, configurator);
        this.writer = new ChannelDataWriter(channel, MAX_QUEUED);
    }

    @Override
    protected void send(Buffer buffer) throws IOException {
        BufferUtils.updateLengthPlaceholder(buffer, 0); // as SftpSubsystem.send: the reply's length first
        writer.write(buffer);
    }

    /**
     * SSH_FXP_READ, as {@code AbstractSftpSubsystemHelper.doRead} with {@code SftpSubsystem.doRead} answers it
     * (the same limit, the same checks, the same statuses and events), but read into the packets themselves.
     */
    @Override
    protected void doRead(Buffer buffer, int id) throws IOException {
        String handle = buffer.getString(StandardCharsets.ISO_8859_1);
        long offset = buffer.getLong();
        int requestedLength = buffer.getInt();
        ServerSession session = getServerSession();
        int readLen = Math.min(requestedLength, SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getRequired(session));
        List<Buffer> packets;
        int total;
        AtomicReference<Boolean> eof = new AtomicReference<>();
        try {
            if (readLen < 0) {
                throw new IllegalArgumentException("Illegal requested read length: " + readLen);
            }
            Handle h = handles.get(handle);
            FileHandle fh = validateHandle(handle, h, FileHandle.class);
            packets = new ArrayList<>(readLen / 16384 + 2);
            total = readInto(packets, session, handle, fh, offset, readLen, eof);
            if (total < 0) {
                throw new EOFException("Unable to read " + readLen + " bytes from offset=" + offset + " of " + safe(handle));
            }
        } catch (IOException | RuntimeException e) {
            sendStatus(prepareReply(buffer), id, e, SftpConstants.SSH_FXP_READ, safe(handle), offset, requestedLength);
            return;
        }
        boolean eofFlag = total < readLen && getVersion() >= SftpConstants.SFTP_V6 && eof.get() != null;
        Buffer first = packets.getFirst();
        int h = ChannelDataWriter.DATA_OFFSET;
        byte[] a = first.array();
        putInt(a, h, 1 + Integer.BYTES + Integer.BYTES + total + (eofFlag ? 1 : 0));
        a[h + 4] = (byte) SftpConstants.SSH_FXP_DATA;
        putInt(a, h + 5, id);
        putInt(a, h + 9, total);
        if (eofFlag) {
            Buffer last = packets.getLast();
            if (last.wpos() - ChannelDataWriter.DATA_OFFSET >= writer.maxPacketData()) {
                last = writer.packet(1);
                packets.add(last);
            }
            last.putBoolean(eof.get());
        }
        for (Buffer p : packets) {
            writer.send(p);
        }
    }

    /**
     * Reads up to {@code length} bytes at {@code offset} into fresh packets (the first one starting with room for
     * the SSH_FXP_DATA header), stopping at a short read. The bytes read, or -1 at the end of the file.
     */
    private int readInto(List<Buffer> packets, ServerSession session, String handle, FileHandle fh, long offset,
                         int length, AtomicReference<Boolean> eof) throws IOException {
        SftpEventListener listener = getSftpEventListenerProxy();
        int perPacket = writer.maxPacketData();
        int total = 0;
        boolean first = true;
        do {
            int room = first ? Math.max(1, perPacket - DATA_HEADER) : perPacket; // a tiny peer packet size: send splits
            int n = Math.min(room, length - total);
            Buffer p = writer.packet(first ? DATA_HEADER + n + 1 : n + 1); // + 1: SFTP v6's end-of-file flag
            if (first) {
                p.wpos(p.wpos() + DATA_HEADER);
            }
            packets.add(p);
            int at = p.wpos();
            byte[] data = p.array();
            long position = offset + total;
            listener.reading(session, handle, fh, position, data, at, n);
            int read;
            try {
                read = fh.read(data, at, n, position, eof);
            } catch (IOException | RuntimeException | Error e) {
                listener.read(session, handle, fh, position, data, at, n, -1, e);
                throw e;
            }
            listener.read(session, handle, fh, position, data, at, n, read, null);
            if (read < 0) {
                if (first) {
                    return -1;
                }
                packets.removeLast();
                break;
            }
            p.wpos(at + read);
            total += read;
            if (read < n) {
                break;
            }
            first = false;
        } while (total < length);
        return total;
    }

    /** A handle as MINA's {@code Handle.safe} shows it in messages (hex: handles are bytes). */
    private static String safe(String handle) {
        return handle == null ? "null"
                : BufferUtils.toHex(BufferUtils.EMPTY_HEX_SEPARATOR, handle.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void putInt(byte[] a, int at, int v) {
        a[at] = (byte) (v >>> 24);
        a[at + 1] = (byte) (v >>> 16);
        a[at + 2] = (byte) (v >>> 8);
        a[at + 3] = (byte) v;
    }
}
