package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImagePullTest {
    @Test
    void aReferenceWithoutTagPullsLatestNotEveryTag() {
        assertThat(ImagePull.withTag("busybox")).isEqualTo("busybox:latest");
        assertThat(ImagePull.withTag("registry.local:5000/org/game")).isEqualTo("registry.local:5000/org/game:latest");
    }

    @Test
    void aTagOrDigestIsKept() {
        assertThat(ImagePull.withTag("ghcr.io/org/game:1.2")).isEqualTo("ghcr.io/org/game:1.2");
        assertThat(ImagePull.withTag("registry.local:5000/game:2")).isEqualTo("registry.local:5000/game:2");
        String digest = "game@sha256:" + "a".repeat(64);
        assertThat(ImagePull.withTag(digest)).isEqualTo(digest);
    }
}
