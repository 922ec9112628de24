package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space on the file system of the data directory (the store, every server's files): degraded
 * below {@code degradedBelow} bytes, unhealthy below {@code unhealthyBelow} (a store that cannot
 * write its intents loses the promise of never losing state).
 */
public record DiskSpaceCheck(Path dir, long degradedBelow, long unhealthyBelow) implements NodeCheck {

    @Override
    public String name() {
        return "disk";
    }

    @Override
    public Finding run(Deadline deadline) throws IOException {
        FileStore fs = Files.getFileStore(dir);
        long free = fs.getUsableSpace();
        String detail = Bytes.human(free) + " free of " + Bytes.human(fs.getTotalSpace()) + " at " + dir;
        if (free < unhealthyBelow) {
            return Finding.unhealthy(detail + " (below " + Bytes.human(unhealthyBelow) + ")");
        }
        if (free < degradedBelow) {
            return Finding.degraded(detail + " (below " + Bytes.human(degradedBelow) + ")");
        }
        return Finding.healthy(detail);
    }
}
