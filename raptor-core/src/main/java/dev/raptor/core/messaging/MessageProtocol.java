package dev.raptor.core.messaging;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The newline-delimited JSON spoken on a message socket, both ways, one document a line.
 *
 * <p>Daemon to program: every message comes in an envelope, {@code {"id":<n>,"message":<the JSON sent>}}, written
 * exactly so (no spaces), which a program without a JSON parser can take apart. Ids increase by one per message
 * and also across restarts of the daemon (the first one of a run is the clock's milliseconds times 1000, so this holds
 * while a run sends fewer than 1,000 messages a millisecond on average and the clock does not go back), and stay
 * below 2<sup>53</sup> so JavaScript reads them exactly.
 *
 * <p>Program to daemon: {@code {"ack":<n>}} says the program has taken message {@code n} and every message before
 * it on this connection (cumulative, as the messages come in order); the sender hears "delivered" only then. A
 * message not acknowledged when the connection ends is written again, first, on the program's next connection
 * (at-least-once delivery: a program that must not act twice skips ids it has already acted on). Any other line is
 * a message from the program.
 */
public final class MessageProtocol {
    private static final Pattern ACK = Pattern.compile("\\{\\s*\"ack\"\\s*:\\s*(\\d{1,18})\\s*}");

    private MessageProtocol() {
    }

    /** The line (without its newline) that carries message {@code id} whose JSON text is {@code json}. */
    public static String envelope(long id, String json) {
        return "{\"id\":" + id + ",\"message\":" + json + "}";
    }

    /** The id a line from the program acknowledges, empty when the line is a message and not an acknowledgement. */
    public static OptionalLong ack(String line) {
        Matcher m = ACK.matcher(line.strip());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** The first id of a daemon run that starts at {@code epochMillis}: above every id of the runs before it. */
    public static long firstId(long epochMillis) {
        return epochMillis * 1000;
    }
}
