package dev.raptor.core.messaging;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The line format of a message socket: envelopes to the program, acknowledgements from it. */
class MessageProtocolTest {
    @Test
    void aMessageTravelsInAnEnvelopeWithItsIdAndNoSpaces() {
        assertThat(MessageProtocol.envelope(1764924612000007L, "{\"seq\":1}")).isEqualTo("{\"id\":1764924612000007,\"message\":{\"seq\":1}}");
        assertThat(MessageProtocol.envelope(3, "\"text\"")).isEqualTo("{\"id\":3,\"message\":\"text\"}");
    }

    @Test
    void anAcknowledgementIsTheOneMemberAckWithWhitespaceAllowed() {
        assertThat(MessageProtocol.ack("{\"ack\":17}")).isEqualTo(OptionalLong.of(17));
        assertThat(MessageProtocol.ack(" { \"ack\" : 1764924612000007 }\r")).isEqualTo(OptionalLong.of(1764924612000007L));
    }

    @Test
    void anyOtherLineIsAMessageFromTheProgram() {
        assertThat(MessageProtocol.ack("{\"ack\":17,\"more\":1}")).isEmpty();
        assertThat(MessageProtocol.ack("{\"ack\":\"17\"}")).isEmpty();
        assertThat(MessageProtocol.ack("{\"ack\":-1}")).isEmpty();
        assertThat(MessageProtocol.ack("{\"acks\":17}")).isEmpty();
        assertThat(MessageProtocol.ack("{\"hello\":\"world\"}")).isEmpty();
        assertThat(MessageProtocol.ack("ack 17")).isEmpty();
    }

    @Test
    void idsOfALaterDaemonRunStartAboveThoseOfAnEarlierOneAndStayExactInJavaScript() {
        long earlier = MessageProtocol.firstId(1_764_924_612_000L);
        assertThat(MessageProtocol.firstId(1_764_924_612_001L)).isGreaterThan(earlier + 999);
        // year 2200 still below 2^53
        assertThat(MessageProtocol.firstId(7_258_118_400_000L)).isLessThan(1L << 53);
    }
}
