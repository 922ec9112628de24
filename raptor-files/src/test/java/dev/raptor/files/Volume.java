package dev.raptor.files;

import dev.raptor.files.rules.AccessRules;
import dev.raptor.files.usage.UsageSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A test server volume on the real file system: {@code <tmp>/volumes/<id>/} as the root, and beside the volumes a
 * directory {@code outside/} holding {@code secret.txt}, which no operation may ever reach.
 */
final class Volume implements AutoCloseable {
    static final String SECRET = "the outside secret";

    final Path tmp;
    final Path root;
    final Path outside;
    final Path secret;
    final UUID id = UUID.randomUUID();
    final ServerVolumes volumes;

    Volume(Path tmp) throws IOException {
        this(tmp, UsageSettings.defaults());
    }

    Volume(Path tmp, UsageSettings settings) throws IOException {
        this.tmp = tmp;
        this.volumes = new ServerVolumes(tmp.resolve("volumes"), settings);
        this.root = Files.createDirectories(volumes.root(id));
        this.outside = Files.createDirectories(tmp.resolve("outside"));
        this.secret = Files.writeString(outside.resolve("secret.txt"), SECRET);
    }

    ServerFiles files() {
        return volumes.files(id, FilePolicy.UNRESTRICTED);
    }

    ServerFiles files(long quotaBytes) {
        return volumes.files(id, new FilePolicy(AccessRules.NONE, quotaBytes));
    }

    ServerFiles files(List<String> deny, List<String> readOnly) {
        return volumes.files(id, new FilePolicy(AccessRules.of(deny, readOnly), 0));
    }

    Path write(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    String read(String rel) throws IOException {
        return Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
    }

    /** The outside secret is intact and nothing else appeared next to it. */
    boolean outsideUntouched() throws IOException {
        try (var s = Files.list(outside)) {
            return Files.readString(secret).equals(SECRET) && s.count() == 1
                    && Files.getPosixFilePermissions(secret).equals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Override
    public void close() {
        volumes.close();
    }
}
