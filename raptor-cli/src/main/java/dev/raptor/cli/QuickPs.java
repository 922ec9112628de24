package dev.raptor.cli;

import dev.raptor.cli.api.DaemonAddress;
import dev.raptor.cli.api.ServerResolver;
import dev.raptor.cli.api.PlainJson;
import dev.raptor.cli.api.SocketGet;
import dev.raptor.cli.command.PsCommand;
import dev.raptor.cli.command.PsRow;
import dev.raptor.cli.output.Terminal;
import dev.raptor.wire.client.DaemonEndpoint;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.ServerList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code raptorctl ps} in its plain forms ({@code ps} or {@code ls} with any of {@code -a}, {@code -q},
 * {@code --no-trunc}, {@code --json}, each at most once), run without picocli and, on the Unix socket, without
 * the HTTP client. Those two were most of a {@code ps}: picocli's classes are compiled for Java 5, so the JDK's
 * AOT cache cannot hold them and each is loaded, verified and interpreted anew on every run while the command
 * model is built by reflection; and Jetty's client starts threads, pools and a selector for one request.
 * Here the list is one {@link SocketGet}; a table or {@code -q} reads the members it shows with {@link PlainJson}
 * (Jackson databind's cold start, building deserializers for the wire records, was the next largest cost) and is
 * printed by {@link PsCommand#printRows}, the code the picocli verb prints with; {@code --json} prints the documents,
 * so it reads them as the wire records. Anything but a plain success on the socket is asked again through {@code RaptorClient} and
 * reported by {@link Failure}, as picocli's handler reports it; anything else on the command line (root
 * options, filters, help, a repeated or unknown flag) goes to picocli.
 */
final class QuickPs {
    /**
     * How long the daemon may take to answer on the socket before the client asks again (with its own 30 s
     * deadline): a daemon that slow is reported as every verb reports it, at the cost of this much more wait.
     */
    private static final Duration QUICK_BUDGET = Duration.ofSeconds(5);

    private QuickPs() {
    }

    /** Whether {@code args} is a plain {@code ps} that this class runs. */
    static boolean handles(String[] args) {
        if (args.length == 0 || !(args[0].equals("ps") || args[0].equals("ls"))) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String flag = canonical(args[i]);
            if (flag == null || !seen.add(flag)) {
                return false; // picocli says what is wrong with it
            }
        }
        return true;
    }

    /**
     * The list asked for on {@code env}'s daemon socket, on a thread of its own ({@link SocketGet#ask}), before anything
     * else of the run; null when the daemon is not on a Unix socket (or {@code env} names none that reads).
     */
    static SocketGet.Pending askFirst(Map<String, String> env) {
        SocketGet.Pending asked;
        try {
            asked = DaemonAddress.of(null, null, null, null, env).endpoint() instanceof DaemonEndpoint.UnixSocket(Path socket)
                    ? SocketGet.ask(socket, "/servers", QUICK_BUDGET) : null;
        } catch (IllegalArgumentException e) {
            return null; // run says what is wrong with it
        }
        if (asked != null) {
            // The providers' start-up reads java.security through a file channel, whose first use starts the JDK's native
            // I/O (sun.nio.ch.IOUtil loads the net and nio libraries): some 0.5-2 ms on the asking thread, a few ms after it
            // started. Started here at once, it is done by then (a class-initialisation log shows it; see
            // raptor-bench/README.md): not later beside KnownOIDs, where the asking thread got to it first.
            ahead("sun.nio.ch.IOUtil", true);
        }
        return asked;
    }

    /** Runs a plain ps; {@code asked} is its list when {@link #askFirst} asked for it already (null: asked here). */
    static int run(String[] args, Map<String, String> env, InputStream in, OutputStream bytesOut, PrintWriter out,
                   PrintWriter err, Terminal terminal, SocketGet.Pending asked) {
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            flags.add(canonical(args[i]));
        }
        try {
            DaemonAddress address;
            try {
                address = DaemonAddress.of(null, null, null, null, env);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            boolean all = flags.contains("--all");
            boolean quiet = flags.contains("--quiet");
            boolean noTrunc = flags.contains("--no-trunc");
            boolean json = flags.contains("--json");
            Optional<byte[]> body = address.endpoint() instanceof DaemonEndpoint.UnixSocket(Path socket)
                    ? fetchWhilePreparing(asked != null ? asked : SocketGet.ask(socket, "/servers", QUICK_BUDGET), terminal, all, quiet, noTrunc, json)
                    : Optional.empty();
            // (no lambdas or method references on this path: each costs a class spun at run time, every run)
            if (body.isPresent() && json) {
                // the documents themselves are printed: the wire records read and write them
                Optional<ServerList> quick = decode(body.get());
                if (quick.isPresent()) {
                    return PsCommand.print(quick.get().servers(), out, terminal, Clock.systemUTC(), all, quiet, noTrunc, true);
                }
            } else if (body.isPresent()) {
                Optional<Object> tree = PlainJson.parse(body.get());
                Optional<List<PsRow>> rows = tree.isPresent() ? rows(tree.get()) : Optional.empty();
                if (rows.isPresent()) {
                    return PsCommand.printRows(rows.get(), out, terminal, Clock.systemUTC(), all, quiet, noTrunc);
                }
            }
            // not a plain success on the socket: the client asks again and reports whatever it is, as always
            RaptorClient client = address.client();
            Cli cli = new Cli(client, ServerResolver.of(client), terminal, out, err, in, bytesOut, env, Clock.systemUTC());
            return PsCommand.list(cli, all, List.of(), quiet, noTrunc, json);
        } catch (Exception e) {
            return Failure.report(e, err, terminal, env);
        }
    }

    /**
     * The answer to {@code list} ({@code GET /servers}, asked on a thread of its own by {@link SocketGet#ask}), waited for
     * after this thread has run the printing code once on {@link #PREPARATION}, output discarded (a table or {@code -q};
     * {@code --json} only waits).
     * Each half is mostly one-time start-up, interpreted: the first Unix-domain socket of a JVM initialises the JDK's
     * security providers (its class initialiser makes a {@code SecureRandom}), and then the daemon answers; the reader,
     * the rows and the table initialise their classes and link their call sites on first use. On two cores the two
     * overlap instead of adding up. Empty when the exchange failed or outlasted its budget (then the client asks again).
     */
    private static Optional<byte[]> fetchWhilePreparing(SocketGet.Pending list, Terminal terminal, boolean all, boolean quiet,
                                                        boolean noTrunc, boolean json) throws InterruptedException {
        // The asking thread's half is the longer: the providers' start-up reads the java.security file, then the Sun
        // provider's aliases initialise the JDK's table of object identifiers (an enum of hundreds of constants, a few
        // milliseconds, interpreted). That table needs nothing of the first step: initialised here, the two overlap.
        // Likewise the JDK's event classes that the asking thread meets (the provider's service lookup, the socket's
        // write and read): the JDK never keeps event classes in an AOT cache, so each is read from the run-time image on
        // first use; loaded here, not there. Only hints: a JDK without a class (or that refuses it) starts or loads it
        // where it always does.
        for (String name : AHEAD_OF_THE_ASKING_THREAD) {
            ahead(name, name.equals("sun.security.util.KnownOIDs"));
        }
        if (!json) {
            Optional<Object> tree = PlainJson.parse(PREPARATION.getBytes(StandardCharsets.UTF_8));
            Optional<List<PsRow>> rows = tree.isPresent() ? rows(tree.get()) : Optional.empty();
            if (rows.isPresent()) {
                PrintWriter discarded = new PrintWriter(new OutputStreamWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8));
                PsCommand.printRows(rows.get(), discarded, terminal, Clock.systemUTC(), all, quiet, noTrunc);
            }
        }
        return list.body();
    }

    /**
     * The JDK's class {@code name} loaded (and initialised when {@code initialise}) on this thread, ahead of the asking
     * thread, which needs it but not here. Only a hint: a JDK without the class (or that refuses it) leaves it to the
     * asking thread, which starts or loads it where it always does.
     */
    private static void ahead(String name, boolean initialise) {
        try {
            Class.forName(name, initialise, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // left to the asking thread
        }
    }

    /**
     * The JDK's classes that the asking thread meets after the providers' start-up and that need nothing of it, in the
     * order it meets them: the table of object identifiers (initialised), the event classes (loaded only).
     */
    private static final String[] AHEAD_OF_THE_ASKING_THREAD = {"sun.security.util.KnownOIDs", "jdk.internal.event.Event",
            "jdk.internal.event.SecurityProviderServiceEvent", "jdk.internal.event.SocketWriteEvent", "jdk.internal.event.SocketReadEvent"};

    /** A list of one active server with every member a table shows, as the daemon writes them: what the preparation prints. */
    private static final String PREPARATION = "{\"servers\":[{\"id\":\"3f9c2d1e-0000-4000-8000-00000000c0de\",\"name\":\"lobby\","
            + "\"image\":\"raptor-test/gameserver:1\",\"allocations\":[{\"ip\":\"0.0.0.0\",\"port\":25565,\"containerPort\":25565,"
            + "\"protocol\":\"tcp\",\"primary\":true},{\"ip\":\"::1\",\"port\":19132,\"containerPort\":19132,\"protocol\":\"udp\","
            + "\"primary\":false}],\"limits\":{\"memoryMiB\":2048},\"state\":\"running\",\"version\":3,\"createdAt\":\"2026-12-05T10:15:30.123456Z\","
            + "\"lastError\":null,\"crashLoop\":false}],\"count\":1}";

    /** The server list as the client reads it ({@code WireJson}); empty when it does not read as one. */
    private static Optional<ServerList> decode(byte[] body) {
        try {
            return Optional.of(WireJson.mapper().readValue(body, ServerList.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The rows of {@code GET /servers}'s answer read from its JSON: the members a table shows, of the types the wire
     * records give them. Anything else (another shape, a member of an unexpected type, an id that is not a UUID, a
     * time that is not ISO-8601) is empty, and the caller asks again through the client, which reads it with the
     * wire records and says what is wrong, as always. Unknown members are ignored, as the wire mapper ignores them.
     */
    static Optional<List<PsRow>> rows(Object list) {
        try {
            if (!(member(list, "servers") instanceof List<?> servers)) {
                return Optional.empty();
            }
            List<PsRow> rows = new ArrayList<>();
            for (Object server : servers) {
                String id = text(server, "id");
                rows.add(new PsRow(id == null ? "" : UUID.fromString(id).toString(), orEmpty(text(server, "name")),
                        orEmpty(text(server, "image")), orEmpty(text(server, "state")), PsRow.ports(allocations(server)),
                        instant(server, "createdAt")));
            }
            return Optional.of(rows);
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static List<AllocationDocument> allocations(Object server) {
        List<AllocationDocument> out = new ArrayList<>();
        for (Object a : listMember(server, "allocations")) {
            Object primary = member(a, "primary");
            if (primary != null && !(primary instanceof Boolean)) {
                throw new IllegalArgumentException("primary");
            }
            out.add(new AllocationDocument(text(a, "ip"), integer(a, "port"), integer(a, "containerPort"), text(a, "protocol"),
                    (Boolean) primary));
        }
        return out;
    }

    /** The member of an object (null when absent or null); an error when {@code object} is not one. */
    private static Object member(Object object, String name) {
        if (!(object instanceof Map<?, ?> members)) {
            throw new IllegalArgumentException("not an object");
        }
        return members.get(name);
    }

    // instanceof, not pattern switches: each of those bootstraps a method-handle class on its first use, every run

    private static List<?> listMember(Object object, String name) {
        Object value = member(object, name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException(name + " is not an array");
    }

    private static String text(Object object, String name) {
        Object value = member(object, name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(name + " is not a string");
    }

    private static Integer integer(Object object, String name) {
        Object value = member(object, name);
        if (value == null) {
            return null;
        }
        if (value instanceof Long n) {
            return Math.toIntExact(n);
        }
        if (value instanceof BigDecimal n) {
            return n.intValueExact();
        }
        throw new IllegalArgumentException(name + " is not a number");
    }

    private static Instant instant(Object object, String name) {
        String text = text(object, name);
        return text == null ? null : instant(text);
    }

    /**
     * {@link Instant#parse}'s reading of {@code text}, with plain code for the form the daemon writes
     * ({@code 2026-12-05T10:15:30.123456Z}: a four-digit year, UTC, up to nine digits of fraction). {@code Instant.parse}
     * initialises java.time's formatting (DateTimeFormatter's constants, its builder and parser), interpreted, on every
     * ps; any other form is still read (or refused) by it.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z' || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = n > 20 ? digits(text, 20, n - 1) : 0;
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        int monthDays = month == 2 ? (leap ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthDays || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0) {
            return Instant.parse(text); // no such day, 24:00, a leap second: read or refused by its rules
        }
        int nanos = fraction;
        for (int fractionDigits = Math.max(0, n - 21); fractionDigits < 9; fractionDigits++) {
            nanos *= 10;
        }
        // days since 1970-01-01 as LocalDate.toEpochDay counts them (years 0 to 9999 here). Not LocalDate itself: its
        // validation initialises java.time.Year, whose class initialiser builds a DateTimeFormatter
        long days = 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400 + (367 * month - 362) / 12 + day - 1;
        if (month > 2) {
            days -= leap ? 1 : 2;
        }
        days -= DAYS_0000_TO_1970;
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    /** Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar (as {@code LocalDate} counts them). */
    private static final long DAYS_0000_TO_1970 = 719_528L;

    /** The decimal number {@code text} holds from {@code from} to {@code to}, ASCII digits only; -1 when it is not one. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The long name of a flag of {@code ps} without a value; null for anything else. */
    private static String canonical(String arg) {
        return switch (arg) {
            case "-a", "--all" -> "--all";
            case "-q", "--quiet" -> "--quiet";
            case "--no-trunc" -> "--no-trunc";
            case "--json" -> "--json";
            default -> null;
        };
    }
}
