package dev.raptor.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerbsTest {

    @Test
    void theVerbIsTheFirstArgumentThatIsNoRootOptionOrItsValue() {
        assertThat(Verbs.verb(new String[]{"ps", "-a"})).isEqualTo("ps");
        assertThat(Verbs.verb(new String[]{"--socket", "/x.sock", "logs", "-f", "lobby"})).isEqualTo("logs");
        assertThat(Verbs.verb(new String[]{"-H", "http://h:1", "--api-key", "k", "inspect", "lobby"})).isEqualTo("inspect");
        assertThat(Verbs.verb(new String[]{"--socket=/x.sock", "stats"})).isEqualTo("stats");
        assertThat(Verbs.verb(new String[]{"--help"})).isNull();
        assertThat(Verbs.verb(new String[]{})).isNull();
    }

    @Test
    void everyVerbOfTheIssueIsThere() {
        assertThat(Verbs.names()).contains("ps", "create", "run", "start", "stop", "restart", "kill", "rm", "inspect", "update",
                "logs", "stats", "top", "attach", "activity", "token", "system", "state", "completion");
    }
}
