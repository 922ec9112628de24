package dev.raptor.cli.output;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class OutputFormattingTest {

    @Test
    void tableAlignsColumnsWithThreeSpacesAndNoTrailingBlanks() {
        String out = new Table("ID", "NAME", "STATE")
                .row("3f9c2d1e", "lobby", "running")
                .row("a1", "survival-eu", "")
                .render();
        assertThat(out).isEqualTo("""
                ID         NAME          STATE
                3f9c2d1e   lobby         running
                a1         survival-eu
                """);
    }

    @Test
    void colourNeverShiftsColumns() {
        Terminal tty = new Terminal(true, true);
        String out = new Table("STATE", "NAME").styleColumn(0, tty::forState)
                .row("running", "a")
                .row("offline", "b")
                .render();
        String plain = out.replaceAll("\u001b\\[[0-9;]*m", "");
        assertThat(plain).isEqualTo("""
                STATE     NAME
                running   a
                offline   b
                """);
        assertThat(out).contains("\u001b[32mrunning\u001b[0m");
    }

    @Test
    void noColourOffATerminal() {
        assertThat(Terminal.plain().green().apply("x")).isEqualTo("x");
        assertThat(new Terminal(true, false).red().apply("x")).isEqualTo("x");
    }

    @Test
    void sizesAreBinaryWithThreeSignificantDigits() {
        assertThat(Human.bytes(0)).isEqualTo("0B");
        assertThat(Human.bytes(1023)).isEqualTo("1023B");
        assertThat(Human.bytes(1536)).isEqualTo("1.5KiB");
        assertThat(Human.bytes(512L * 1024 * 1024)).isEqualTo("512MiB");
        assertThat(Human.bytes(1024L * 1024 * 1024)).isEqualTo("1GiB");
        assertThat(Human.bytes(12_900_000)).isEqualTo("12.3MiB");
        assertThat(Human.mebibytes(1536)).isEqualTo("1.5GiB");
    }

    @Test
    void agesReadLikeDocker() {
        Instant now = Instant.parse("2025-03-14T12:00:00Z");
        assertThat(Human.ago(Instant.parse("2025-03-14T11:59:55Z"), now)).isEqualTo("5 seconds ago");
        assertThat(Human.ago(Instant.parse("2025-03-14T11:59:00Z"), now)).isEqualTo("About a minute ago");
        assertThat(Human.ago(Instant.parse("2025-03-14T11:55:00Z"), now)).isEqualTo("5 minutes ago");
        assertThat(Human.ago(Instant.parse("2025-03-14T11:00:00Z"), now)).isEqualTo("About an hour ago");
        assertThat(Human.ago(Instant.parse("2025-03-13T12:00:00Z"), now)).isEqualTo("24 hours ago");
        assertThat(Human.ago(Instant.parse("2025-03-04T12:00:00Z"), now)).isEqualTo("10 days ago");
        assertThat(Human.ago(Instant.parse("2025-03-14T12:00:00.4Z"), now)).isEqualTo("Less than a second ago");
        assertThat(Human.ago(null, now)).isEmpty();
    }

    @Test
    void compactDurations() {
        assertThat(Human.compactDuration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Human.compactDuration(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(Human.compactDuration(Duration.ofMinutes(125))).isEqualTo("2h5m");
        assertThat(Human.compactDuration(Duration.ofHours(76))).isEqualTo("3d4h");
    }
}
