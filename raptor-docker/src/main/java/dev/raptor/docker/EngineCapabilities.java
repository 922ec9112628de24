package dev.raptor.docker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What this engine turned out not to enforce, learned as it happens and said plainly in
 * {@link DockerRuntime#info} (never pretend).
 *
 * <p>Block-IO weight cannot be read off {@code docker info}: the engine only finds out when it creates a
 * container, and then either drops the weight with a create warning ("Your kernel does not support Block
 * I/O weight... Weight discarded", cgroup v1 without CFQ/BFQ, as on this project's test machine) or, on
 * some setups, refuses the create. Either way the first such create marks it unsupported, it is logged
 * once, and later creates leave the weight out.
 */
final class EngineCapabilities {
    private static final Logger log = LoggerFactory.getLogger(EngineCapabilities.class);
    private static final int MAX_WARNINGS = 32;

    private volatile boolean blkioWeightUnsupported;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> createWarnings = new LinkedHashSet<>();

    /** Whether creates should still ask for a block-IO weight. */
    boolean blkioWeight() {
        return !blkioWeightUnsupported;
    }

    /** Takes note of the warnings the engine returned for a create. */
    void noteCreateWarnings(List<String> warnings, UUID serverId) {
        if (warnings == null) {
            return;
        }
        for (String w : warnings) {
            if (w == null || w.isBlank()) {
                continue;
            }
            if (mentionsBlkio(w)) {
                markBlkioUnsupported(w);
            } else if (remember(w.strip())) {
                log.warn("docker engine cannot apply part of a server's limits server={} warning={}", serverId, w.strip());
            }
        }
    }

    /**
     * Whether a refused create was about the block-IO weight; if so it is marked unsupported and the
     * caller should create again without it.
     */
    boolean refusedBecauseOfBlkio(String engineMessage) {
        if (engineMessage != null && mentionsBlkio(engineMessage) && !blkioWeightUnsupported) {
            markBlkioUnsupported(engineMessage);
            return true;
        }
        return false;
    }

    List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (blkioWeightUnsupported) {
            out.add("block-IO weight (limits.ioWeight) is not supported by this engine/kernel and is not applied");
        }
        lock.lock();
        try {
            out.addAll(createWarnings);
        } finally {
            lock.unlock();
        }
        return out;
    }

    private void markBlkioUnsupported(String why) {
        if (!blkioWeightUnsupported) {
            blkioWeightUnsupported = true;
            log.warn("docker engine does not support block-IO weight; servers are created without it engine={}", why.strip());
        }
    }

    private boolean remember(String warning) {
        lock.lock();
        try {
            return createWarnings.size() < MAX_WARNINGS && createWarnings.add(warning);
        } finally {
            lock.unlock();
        }
    }

    private static boolean mentionsBlkio(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.contains("block i/o weight") || t.contains("blkio") || t.contains("io.weight") || t.contains("io.bfq.weight");
    }
}
