package dev.raptor.api.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyTest {
    @TempDir
    Path dataDir;

    @Test
    void aKeyIsMatchedAlikeByAThreadThatKeepsItsDigestAndByAVirtualThread() throws Exception {
        ApiKey ascii = ApiKey.of("rpt_0123456789abcdefghij", "test");
        ApiKey unicode = ApiKey.of("clé-ünicode-0123456789", "test");
        List<Boolean> answers = new ArrayList<>();
        Runnable ask = () -> {
            for (int i = 0; i < 3; i++) { // a platform thread's kept digest, asked again and again
                answers.add(ascii.matches("rpt_0123456789abcdefghij"));
                answers.add(ascii.matches("rpt_0123456789abcdefghiJ"));
                answers.add(ascii.matches("rpt_0123456789abcdefghij "));
                answers.add(ascii.matches(""));
                answers.add(unicode.matches("clé-ünicode-0123456789"));
                answers.add(unicode.matches("cle-unicode-0123456789"));
                answers.add(ascii.matches("clé-ünicode-0123456789"));
            }
        };
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(List.of(true, false, false, false, true, false, false));
        }
        ask.run();
        assertThat(answers).as("on a platform thread").isEqualTo(expected);
        answers.clear();
        Thread.ofVirtual().start(ask).join();
        assertThat(answers).as("on a virtual thread").isEqualTo(expected);
    }

    @Test
    void theFirstLoadGeneratesAKeyIntoAnOwnerOnlyFile() throws Exception {
        ApiKey key = ApiKey.loadOrGenerate(dataDir);

        Path file = dataDir.resolve(ApiKey.FILE_NAME);
        assertThat(key.generatedNow()).isTrue();
        assertThat(key.file()).contains(file);
        assertThat(Files.readString(file).strip()).isEqualTo(key.reveal().orElseThrow());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(key.matches(key.reveal().orElseThrow())).isTrue();
    }

    @Test
    void aLaterLoadReadsTheSameKeyAndSaysItWasNotGenerated() {
        String first = ApiKey.loadOrGenerate(dataDir).reveal().orElseThrow();

        ApiKey again = ApiKey.loadOrGenerate(dataDir);

        assertThat(again.generatedNow()).isFalse();
        assertThat(again.reveal()).contains(first);
    }

    @Test
    void rotatingTheFileRefusesTheOldKeyAtTheNextCheck() {
        ApiKey key = ApiKey.loadOrGenerate(dataDir);
        String old = key.reveal().orElseThrow();
        assertThat(key.matches(old)).isTrue();

        String fresh = ApiKey.rotate(dataDir.resolve(ApiKey.FILE_NAME));

        assertThat(fresh).isNotEqualTo(old).startsWith("rpt_");
        assertThat(key.matches(old)).isFalse();
        assertThat(key.matches(fresh)).isTrue();
        assertThat(key.reveal()).contains(fresh);
    }

    @Test
    void aRotatedFileIsOwnerOnlyToo() throws Exception {
        Path file = dataDir.resolve(ApiKey.FILE_NAME);
        ApiKey.loadOrGenerate(dataDir);

        ApiKey.rotate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dataDir.toFile().list()).containsExactly(ApiKey.FILE_NAME);
    }

    @Test
    void whileTheKeyFileIsGoneNoKeyMatchesAndAWrittenOneIsTakenUp() throws Exception {
        ApiKey key = ApiKey.loadOrGenerate(dataDir);
        String old = key.reveal().orElseThrow();
        Path file = dataDir.resolve(ApiKey.FILE_NAME);

        Files.delete(file);
        assertThat(key.matches(old)).isFalse();
        assertThat(key.reveal()).isEmpty();

        String fresh = ApiKey.rotate(file);
        assertThat(key.matches(fresh)).isTrue();
    }

    @Test
    void aConfiguredKeyIgnoresTheKeyFile() {
        String configured = ApiKey.generate();
        ApiKey key = ApiKey.of(configured, "RAPTOR_API_KEY");
        ApiKey.rotate(dataDir.resolve(ApiKey.FILE_NAME));

        assertThat(key.matches(configured)).isTrue();
        assertThat(key.file()).isEmpty();
        assertThat(key.source()).isEqualTo("RAPTOR_API_KEY");
    }

    @Test
    void aWrongOrMissingCredentialNeverMatches() {
        ApiKey key = ApiKey.loadOrGenerate(dataDir);

        assertThat(key.matches(null)).isFalse();
        assertThat(key.matches("")).isFalse();
        assertThat(key.matches(key.reveal().orElseThrow() + "x")).isFalse();
    }
}
