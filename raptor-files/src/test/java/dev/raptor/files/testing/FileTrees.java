package dev.raptor.files.testing;

import dev.raptor.files.jail.LinuxCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Huge trees for tests, made fast: files created with openat(2) through the FFM API, not one Path call each. */
public final class FileTrees {
    private FileTrees() {
    }

    /** {@code dirs} directories of {@code perDir} files, all empty but one per directory of i+1 bytes; answers the sum. */
    public static long generate(Path tree, int dirs, int perDir) throws IOException {
        Files.createDirectories(tree);
        long sum = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LinuxCalls.errnoState(arena);
            MemorySegment name = arena.allocate(64);
            for (int d = 0; d < dirs; d++) {
                Path dir = Files.createDirectory(tree.resolve(String.format("d%04d", d)));
                int dfd = LinuxCalls.openat(state, LinuxCalls.AT_FDCWD, arena.allocateFrom(dir.toString()),
                        LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY | LinuxCalls.O_CLOEXEC, 0);
                assertThat(dfd).isNotNegative();
                try {
                    for (int i = 0; i < perDir; i++) {
                        name.setString(0, "f" + i);
                        int fd = LinuxCalls.openat(state, dfd, name, LinuxCalls.O_WRONLY | LinuxCalls.O_CREAT | LinuxCalls.O_CLOEXEC, 0644);
                        assertThat(fd).isNotNegative();
                        LinuxCalls.close(fd);
                    }
                } finally {
                    LinuxCalls.close(dfd);
                }
                byte[] content = new byte[d + 1];
                Files.write(dir.resolve("f0"), content);
                sum += content.length;
            }
        }
        return sum;
    }
}
