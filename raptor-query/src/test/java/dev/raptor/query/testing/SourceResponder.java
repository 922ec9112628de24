package dev.raptor.query.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Source server's A2S_INFO side, written from the Valve Developer Community's "Server queries": on a
 * loopback UDP port it accepts only {@code FF FF FF FF 54 "Source Engine Query\0"}, optionally followed
 * by a 4-byte challenge. With {@code challenge} on (servers since December 2020), a request without the
 * current challenge gets {@code FF FF FF FF 41} and a fresh challenge; with it, the info: {@code 49},
 * protocol, name, map, folder, game, app id (short), players, max players, bots, server type,
 * environment, visibility, VAC, version, and the extra data flag with the game port.
 */
public final class SourceResponder implements AutoCloseable {
    private final DatagramSocket socket;
    private final boolean challenge;
    private final boolean silent;
    private volatile int players;
    private volatile int maxPlayers;
    private final String name;
    private final String version;
    private volatile byte[] currentChallenge;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger challengesSent = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public SourceResponder(String name, String version, int players, int maxPlayers, boolean challenge, boolean silent) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.name = name;
        this.version = version;
        this.players = players;
        this.maxPlayers = maxPlayers;
        this.challenge = challenge;
        this.silent = silent;
        this.thread = Thread.ofVirtual().name("a2s-responder").start(this::serve);
    }

    public static SourceResponder withChallenge(String name, String version, int players, int max) throws IOException {
        return new SourceResponder(name, version, players, max, true, false);
    }

    public static SourceResponder withoutChallenge(String name, String version, int players, int max) throws IOException {
        return new SourceResponder(name, version, players, max, false, false);
    }

    public static SourceResponder silent() throws IOException {
        return new SourceResponder("", "", 0, 0, false, true);
    }

    public void setPlayers(int players, int max) {
        this.players = players;
        this.maxPlayers = max;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    public int challengesSent() {
        return challengesSent.get();
    }

    public List<String> violations() {
        return violations;
    }

    private void serve() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            requests.incrementAndGet();
            if (silent) {
                continue;
            }
            byte[] req = Arrays.copyOf(p.getData(), p.getLength());
            byte[] expected = request();
            boolean plain = Arrays.equals(req, expected);
            boolean withChallenge = req.length == expected.length + 4 && Arrays.equals(Arrays.copyOf(req, expected.length), expected);
            if (!plain && !withChallenge) {
                violations.add("not an A2S_INFO request: " + Arrays.toString(req));
                continue;
            }
            byte[] answer;
            if (challenge) {
                byte[] sent = withChallenge ? Arrays.copyOfRange(req, expected.length, req.length) : null;
                if (sent == null || currentChallenge == null || !Arrays.equals(sent, currentChallenge)) {
                    currentChallenge = new byte[4];
                    ThreadLocalRandom.current().nextBytes(currentChallenge);
                    challengesSent.incrementAndGet();
                    answer = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).put((byte) 0x41).put(currentChallenge).array();
                } else {
                    answer = info();
                }
            } else {
                answer = info();
            }
            try {
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static byte[] request() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x54});
        out.writeBytes("Source Engine Query".getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        return out.toByteArray();
    }

    private byte[] info() {
        ByteBuffer b = ByteBuffer.allocate(1400).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(-1).put((byte) 0x49).put((byte) 17);
        string(b, name);
        string(b, "de_dust2");
        string(b, "valheim");
        string(b, "Valheim");
        b.putShort((short) 892970); // app id, low 16 bits, as the protocol carries it
        b.put((byte) players).put((byte) maxPlayers).put((byte) 0);
        b.put((byte) 'd').put((byte) 'l').put((byte) 0).put((byte) 0);
        string(b, version);
        b.put((byte) 0x80).putShort((short) 2456); // EDF: the game port follows
        return Arrays.copyOf(b.array(), b.position());
    }

    private static void string(ByteBuffer b, String s) {
        b.put(s.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
