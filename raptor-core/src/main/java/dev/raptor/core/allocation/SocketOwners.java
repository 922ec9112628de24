package dev.raptor.core.allocation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Who holds a host port, as Linux tells it: the socket's inode from {@code /proc/net/{tcp,tcp6,udp,udp6}},
 * then the process with a descriptor on that socket ({@code /proc/<pid>/fd/* -> socket:[inode]}) and its
 * command name. Best effort: without root only one's own processes can be looked into, and elsewhere than
 * Linux there is no {@code /proc}; then the holder is unknown, never wrong.
 */
final class SocketOwners {
    /** TCP's LISTEN state in {@code /proc/net/tcp}. */
    private static final String LISTEN = "0A";
    /** TCP's TIME_WAIT: a closed connection the kernel remembers; it holds no process's port. */
    private static final String TIME_WAIT = "06";

    private final Path proc;

    SocketOwners(Path proc) {
        this.proc = proc;
    }

    /** A socket of the host: its protocol, local address and port, TCP state and inode. */
    record Socket(Protocol protocol, InetAddress address, int port, String state, long inode) {
    }

    /** Who holds {@code allocation}'s port: the process name and pid, or what of them is known. */
    PortInUse holderOf(Allocation allocation) {
        for (Socket s : socketsOn(allocation)) {
            Optional<Long> pid = processWith(s.inode());
            if (pid.isPresent()) {
                return new PortInUse(allocation, commandOf(pid.get()), pid.get());
            }
        }
        return new PortInUse(allocation, null, null);
    }

    /** The sockets bound to the allocation's port and protocol on an overlapping address, listening ones first. */
    List<Socket> socketsOn(Allocation allocation) {
        List<Socket> listening = new ArrayList<>();
        List<Socket> other = new ArrayList<>();
        String family = allocation.protocol() == Protocol.UDP ? "udp" : "tcp";
        for (String table : List.of(family, family + "6")) {
            for (Socket s : read(proc.resolve("net").resolve(table), allocation.protocol())) {
                if (s.port() != allocation.port() || s.inode() == 0 || TIME_WAIT.equals(s.state()) && s.protocol() == Protocol.TCP
                        || !IpLiteral.overlaps(allocation.ip(), s.address().getHostAddress())) {
                    continue;
                }
                (s.protocol() == Protocol.UDP || LISTEN.equals(s.state()) ? listening : other).add(s);
            }
        }
        listening.addAll(other);
        return listening;
    }

    /** The sockets of one {@code /proc/net} table; unreadable or malformed lines are skipped. */
    static List<Socket> read(Path table, Protocol protocol) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<Socket> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            try {
                int colon = f[1].indexOf(':');
                InetAddress address = address(f[1].substring(0, colon));
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                out.add(new Socket(protocol, address, port, f[3], Long.parseLong(f[9])));
            } catch (RuntimeException | UnknownHostException e) {
                // a line this parser does not understand: not a holder it can name
            }
        }
        return out;
    }

    /** The kernel writes each 32-bit word of the address in the host's byte order. */
    static InetAddress address(String hex) throws UnknownHostException {
        byte[] raw = HexFormat.of().parseHex(hex);
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocate(raw.length).order(ByteOrder.BIG_ENDIAN);
        while (in.remaining() >= 4) {
            out.putInt(in.getInt());
        }
        return InetAddress.getByAddress(out.array());
    }

    /** The first process with a descriptor on socket {@code inode}. */
    Optional<Long> processWith(long inode) {
        String target = "socket:[" + inode + "]";
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(target)) {
                                return Optional.of(Long.parseLong(pid.getFileName().toString()));
                            }
                        } catch (IOException | RuntimeException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to look into
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private String commandOf(long pid) {
        try {
            String comm = Files.readString(proc.resolve(Long.toString(pid)).resolve("comm")).strip();
            return comm.isEmpty() ? null : comm;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
