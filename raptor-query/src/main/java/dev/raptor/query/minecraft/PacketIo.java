package dev.raptor.query.minecraft;

import dev.raptor.query.QueryException;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The data types of Minecraft's Java Edition protocol that the status exchange uses: VarInts
 * (LEB128-style, at most 5 bytes for 32 bits), VarInt-prefixed UTF-8 strings, big-endian shorts and
 * longs, and packets framed as {@code VarInt length, VarInt id, data}.
 */
public final class PacketIo {
    private PacketIo() {
    }

    public static void writeVarInt(ByteArrayOutputStream out, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    public static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(out, b.length);
        out.writeBytes(b);
    }

    public static void writeUnsignedShort(ByteArrayOutputStream out, int v) {
        out.write((v >>> 8) & 0xFF);
        out.write(v & 0xFF);
    }

    public static void writeLong(ByteArrayOutputStream out, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift) & 0xFF);
        }
    }

    /** {@code VarInt length} then {@code id} and {@code body}. */
    public static byte[] packet(int id, byte[] body) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        writeVarInt(payload, id);
        payload.writeBytes(body);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        writeVarInt(framed, payload.size());
        framed.writeBytes(payload.toByteArray());
        return framed.toByteArray();
    }

    public static int readVarInt(InputStream in) throws IOException {
        int value = 0;
        for (int i = 0; i < 5; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed inside a VarInt");
            }
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new QueryException("a VarInt longer than 5 bytes");
    }

    public static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the connection closed after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** One framed packet's id and data, refusing packets over {@code maxBytes}. */
    public static Packet readPacket(InputStream in, int maxBytes) throws IOException {
        int length = readVarInt(in);
        if (length < 1 || length > maxBytes) {
            throw new QueryException("a packet of " + length + " bytes (expected 1-" + maxBytes + ")");
        }
        byte[] data = readFully(in, length);
        java.io.ByteArrayInputStream body = new java.io.ByteArrayInputStream(data);
        int id = readVarInt(body);
        return new Packet(id, body.readAllBytes());
    }

    /** A VarInt-prefixed UTF-8 string at the start of {@code data}. */
    public static String readString(byte[] data, int maxBytes) throws IOException {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(data);
        int n = readVarInt(in);
        if (n < 0 || n > maxBytes || n > in.available()) {
            throw new QueryException("a string of " + n + " bytes in a packet of " + data.length);
        }
        return new String(readFully(in, n), StandardCharsets.UTF_8);
    }

    public static long readLong(byte[] data) throws IOException {
        if (data.length < 8) {
            throw new QueryException("a long of " + data.length + " bytes");
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[i] & 0xFF);
        }
        return v;
    }

    /** A packet's id and the bytes after it. */
    public record Packet(int id, byte[] data) {
    }
}
