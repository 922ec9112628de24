package dev.raptor.files.jail;

import dev.raptor.files.PathOutsideRootException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTest {
    @TempDir
    Path tmp;

    @Test
    void aResolvedPathKeepsItsDirectoryAfterTheSessionCloses() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Resolved r;
        try (Session s = new Jail(root).open()) {
            r = s.resolve(JailPath.of("a.txt"), false);
        }
        try (r) {
            // an open write keeps its Resolved past the session: its directory must still be its own descriptor
            assertThat(Files.readSymbolicLink(Path.of(r.parent().procPath()))).isEqualTo(root.toRealPath());
        }
    }

    @Test
    void theRealPathFollowsInsideLinks() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("data/world"));
        Files.createSymbolicLink(root.resolve("w"), Path.of("data/world"));
        Files.createSymbolicLink(root.resolve("data/up"), Path.of(".."));
        try (Session s = new Jail(root).open();
             Resolved r = s.resolve(JailPath.of("w/level.dat"), true);
             Resolved up = s.resolve(JailPath.of("data/up/w"), true)) {
            assertThat(r.real()).hasToString("/data/world/level.dat");
            assertThat(r.asked()).hasToString("/w/level.dat");
            assertThat(up.real()).hasToString("/data/world");
            assertThat(up.stat().isDirectory()).isTrue();
        }
    }

    @Test
    void aLinkClimbingAboveTheRootThroughItsOwnParentIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/up"), Path.of("../.."));
        try (Session s = new Jail(root).open()) {
            assertThatThrownBy(() -> s.resolve(JailPath.of("a/up"), true)).isInstanceOf(PathOutsideRootException.class);
            assertThat(s.linkStaysInside(JailPath.of("a/up"))).isFalse();
        }
    }
}
