package dev.raptor.bench.scenario;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The least an HTTP/1.1 server can do for curl on this machine, as the floor under Raptor's file transfers in the same
 * run: a {@code GET} answers the headers and then {@code sendfile(2)} of {@link #source} (no byte in user space); a
 * {@code PUT} or {@code POST} body is read into one direct buffer and written to {@link #sink} with {@code write(2)},
 * then flushed ({@code fsync}) before the answer, as Raptor's atomic replace is. No parsing beyond the request line,
 * {@code Content-Length} and {@code Expect: 100-continue}; one connection at a time, closed after each answer.
 * Loopback only, bench use only.
 */
final class FloorHttpServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path source;
    private final Path sink;
    private final Thread thread;

    FloorHttpServer(Path source, Path sink) throws IOException {
        this.source = source;
        this.sink = sink;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = Thread.ofPlatform().daemon().name("floor-http").start(this::serve);
    }

    String url() throws IOException {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort() + "/file";
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocateDirect(1024 * 1024);
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                answer(c, buf.clear());
            } catch (IOException e) {
                if (server.isOpen()) {
                    System.out.println("  floor server: " + e);
                }
            }
        }
    }

    private void answer(SocketChannel c, ByteBuffer buf) throws IOException {
        int headEnd;
        while ((headEnd = headEnd(buf)) < 0) {
            if (!buf.hasRemaining() || c.read(buf) < 0) {
                throw new IOException("no complete request head");
            }
        }
        byte[] headBytes = new byte[headEnd];
        buf.get(0, headBytes);
        String head = new String(headBytes, StandardCharsets.ISO_8859_1);
        String lower = head.toLowerCase(Locale.ROOT);
        if (head.startsWith("GET ")) {
            try (FileChannel f = FileChannel.open(source)) {
                long size = f.size();
                writeAll(c, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n"));
                for (long pos = 0; pos < size; ) {
                    pos += f.transferTo(pos, size - pos, c);
                }
            }
            return;
        }
        long length = Long.parseLong(header(lower, "content-length"));
        if ("100-continue".equals(header(lower, "expect"))) {
            writeAll(c, ascii("HTTP/1.1 100 Continue\r\n\r\n"));
        }
        try (FileChannel f = FileChannel.open(sink, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            buf.flip().position(headEnd + 4);
            long got = 0;
            while (true) {
                got += buf.remaining();
                while (buf.hasRemaining()) {
                    f.write(buf);
                }
                if (got >= length) {
                    break;
                }
                buf.clear();
                if (c.read(buf) < 0) {
                    throw new IOException("the body ended after " + got + " of " + length + " bytes");
                }
                buf.flip();
            }
            f.force(false);
        }
        writeAll(c, ascii("HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    }

    /** Where the head's {@code \r\n\r\n} starts in what was read so far, or -1. */
    private static int headEnd(ByteBuffer buf) {
        for (int i = 0; i + 3 < buf.position(); i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String header(String lowerHead, String name) {
        for (String line : lowerHead.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void writeAll(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
