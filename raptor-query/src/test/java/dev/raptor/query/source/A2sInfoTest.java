package dev.raptor.query.source;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.testing.SourceResponder;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class A2sInfoTest {

    @Test
    void aServerWithoutChallengeAnswersTheFirstRequest() throws Exception {
        try (SourceResponder a2s = SourceResponder.withoutChallenge("My Valheim", "0.219.16", 4, 10)) {
            GameStatus s = new A2sInfo().query(a2s.address(), Deadline.in(Duration.ofSeconds(10)));

            assertThat(s.protocol()).isEqualTo(QueryProtocol.SOURCE);
            assertThat(s.playersOnline()).isEqualTo(4);
            assertThat(s.playersMax()).isEqualTo(10);
            assertThat(s.version()).isEqualTo("0.219.16");
            assertThat(s.motd()).isEqualTo("My Valheim");
            assertThat(a2s.requests()).isEqualTo(1);
            assertThat(a2s.violations()).isEmpty();
        }
    }

    @Test
    void aServerThatChallengesIsAskedAgainWithTheChallengeAppended() throws Exception {
        try (SourceResponder a2s = SourceResponder.withChallenge("Rust EU", "2549", 61, 200)) {
            GameStatus s = new A2sInfo().query(a2s.address(), Deadline.in(Duration.ofSeconds(10)));

            assertThat(s.playersOnline()).isEqualTo(61);
            assertThat(s.playersMax()).isEqualTo(200);
            assertThat(a2s.challengesSent()).isEqualTo(1);
            assertThat(a2s.requests()).as("the plain request, then the one with the challenge").isEqualTo(2);
            assertThat(a2s.violations()).isEmpty();
        }
    }

    @Test
    void aServerThatNeverAnswersCostsTheDeadlineAndNoMore() throws Exception {
        try (SourceResponder a2s = SourceResponder.silent()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                    () -> new A2sInfo().query(a2s.address(), Deadline.in(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class));
        }
    }

    @Test
    void theShipsExtraFieldsAreSkippedBeforeTheVersion() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 7);
        for (String s : new String[]{"Ship", "map", "ship", "The Ship"}) {
            b.put(s.getBytes()).put((byte) 0);
        }
        b.putShort((short) 2400).put((byte) 5).put((byte) 16).put((byte) 0);
        b.put((byte) 'd').put((byte) 'w').put((byte) 0).put((byte) 1);
        b.put((byte) 1).put((byte) 2).put((byte) 3); // mode, witnesses, duration
        b.put("1.0.0.4".getBytes()).put((byte) 0);
        b.flip();

        GameStatus s = SourceInfo.parse(b, Instant.now(), Duration.ZERO);

        assertThat(s.version()).isEqualTo("1.0.0.4");
        assertThat(s.playersOnline()).isEqualTo(5);
    }

    @Test
    void aTruncatedAnswerIsNotTheProtocol() {
        ByteBuffer b = ByteBuffer.wrap(new byte[]{17, 'a', 0, 'b'}).order(ByteOrder.LITTLE_ENDIAN);
        assertThatThrownBy(() -> SourceInfo.parse(b, Instant.now(), Duration.ZERO)).isInstanceOf(dev.raptor.query.QueryException.class);
    }
}
