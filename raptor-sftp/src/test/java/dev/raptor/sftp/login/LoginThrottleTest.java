package dev.raptor.sftp.login;

import dev.raptor.core.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(4, 3, Duration.ofMinutes(15),
            Duration.ofSeconds(2), Duration.ofSeconds(10), 1000), clock);

    @Test
    void aNameBacksOffAfterItsLimitAndTriesAgainWhenTheBackoffEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.allows("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP)).isTrue();
            throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        }

        assertThat(throttle.allows("10.0.0.2", "admin.abcdef01", TransferProtocol.SFTP)).as("from any address").isFalse();
        assertThat(throttle.allows("10.0.0.2", "other.abcdef01", TransferProtocol.SFTP)).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.allows("10.0.0.2", "admin.abcdef01", TransferProtocol.SFTP)).isTrue();
    }

    @Test
    void eachFailurePastTheLimitDoublesTheBackoffUpToTheMaximum() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        }
        assertThat(throttle.backoffLeft("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP)).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("10.0.0.9", "admin.abcdef01", TransferProtocol.SFTP);
        assertThat(throttle.backoffLeft("10.0.0.9", "admin.abcdef01", TransferProtocol.SFTP)).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            throttle.failed("10.0.0.9", "admin.abcdef01", TransferProtocol.SFTP);
        }
        assertThat(throttle.backoffLeft("10.0.0.9", "admin.abcdef01", TransferProtocol.SFTP)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anAddressTryingManyNamesBacksOff() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1", "user" + i + ".abcdef01", TransferProtocol.SFTP);
        }

        assertThat(throttle.allows("10.0.0.1", "fresh.abcdef01", TransferProtocol.SFTP)).isFalse();
        assertThat(throttle.allows("10.0.0.2", "fresh.abcdef01", TransferProtocol.SFTP)).isTrue();
        assertThat(throttle.blockedAddresses(TransferProtocol.SFTP)).isEqualTo(1);
        assertThat(throttle.throttledLogins()).isEqualTo(1);
        assertThat(throttle.failedLogins()).isEqualTo(4);
    }

    @Test
    void failuresOverFtpBlockFtpOnlyAndAreCountedUnderFtp() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1", "user" + i + ".abcdef01", TransferProtocol.FTP);
        }

        assertThat(throttle.allows("10.0.0.1", "fresh.abcdef01", TransferProtocol.FTP)).isFalse();
        assertThat(throttle.allows("10.0.0.1", "fresh.abcdef01", TransferProtocol.SFTP)).isTrue();
        assertThat(throttle.blockedAddresses(TransferProtocol.FTP)).isEqualTo(1);
        assertThat(throttle.blockedAddresses(TransferProtocol.SFTP)).isZero();
        assertThat(throttle.failedLogins(TransferProtocol.FTP)).isEqualTo(4);
        assertThat(throttle.failedLogins(TransferProtocol.SFTP)).isZero();
        assertThat(throttle.throttledLogins(TransferProtocol.FTP)).isEqualTo(1);
        assertThat(throttle.throttledLogins(TransferProtocol.SFTP)).isZero();
    }

    @Test
    void anAddressBlockedOverBothProtocolsCountsOnceInEach() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1", "user" + i + ".abcdef01", TransferProtocol.FTP);
            throttle.failed("10.0.0.1", "user" + i + ".abcdef01", TransferProtocol.SFTP);
        }
        throttle.failed("10.0.0.2", "x.abcdef01", TransferProtocol.SFTP);
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.3", "y" + i + ".abcdef01", TransferProtocol.SFTP);
        }

        assertThat(throttle.blockedAddresses(TransferProtocol.SFTP)).isEqualTo(2);
        assertThat(throttle.blockedAddresses(TransferProtocol.FTP)).isEqualTo(1);
    }

    @Test
    void aSuccessOverOneProtocolLeavesTheOthersFailuresCounting() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1", "user" + i + ".abcdef01", TransferProtocol.FTP);
        }
        throttle.succeeded("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.failed("10.0.0.1", "user9.abcdef01", TransferProtocol.FTP);

        assertThat(throttle.allows("10.0.0.1", "fresh.abcdef01", TransferProtocol.FTP)).isFalse();
    }

    @Test
    void aSuccessClearsItsAddressAndName() {
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.succeeded("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);

        assertThat(throttle.allows("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP)).isTrue();
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP);

        assertThat(throttle.allows("10.0.0.1", "admin.abcdef01", TransferProtocol.SFTP)).isTrue();
    }

    @Test
    void loginNamesSplitAtTheirLastDot() {
        assertThat(LoginName.parse("mc.admin.3f1c2a9e")).contains(new LoginName("mc.admin", "3f1c2a9e"));
        assertThat(LoginName.parse("admin.3F1C2A9E")).contains(new LoginName("admin", "3f1c2a9e"));
        assertThat(LoginName.parse("admin")).isEmpty();
        assertThat(LoginName.parse("admin.xyz")).isEmpty();
        assertThat(LoginName.parse(".3f1c2a9e")).isEmpty();
    }
}
