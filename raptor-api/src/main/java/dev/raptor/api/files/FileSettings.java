package dev.raptor.api.files;

import java.time.Duration;
import java.util.Objects;

/**
 * How the file API behaves on this node.
 *
 * @param uploadMaxFileBytes the largest file one upload ({@code PUT /files/content}, a browser upload) may write, 0 = no limit
 * @param pullAllowsPrivate  whether {@code pull} may fetch from loopback, private, link-local and other non-public addresses
 * @param pullMaxBytes       the largest file {@code pull} downloads
 * @param pullIdleTimeout    how long a pull waits for the remote server to connect or send more
 * @param workers            platform threads for long file operations (compress, decompress, pull, delete)
 * @param linkTtl            how long a signed upload or download link works
 * @param agents             the node agents that serve the files of servers on other machines (none: every server's
 *                           files are on this machine)
 */
public record FileSettings(long uploadMaxFileBytes, boolean pullAllowsPrivate, long pullMaxBytes, Duration pullIdleTimeout,
                           int workers, Duration linkTtl, dev.raptor.api.agent.NodeAgents agents) {
    public static final long DEFAULT_PULL_MAX_BYTES = 4L << 30;

    public FileSettings {
        Objects.requireNonNull(pullIdleTimeout, "pullIdleTimeout");
        Objects.requireNonNull(linkTtl, "linkTtl");
        agents = agents == null ? dev.raptor.api.agent.NodeAgents.NONE : agents;
        if (uploadMaxFileBytes < 0 || pullMaxBytes < 1 || workers < 1) {
            throw new IllegalArgumentException("uploadMaxFileBytes >= 0, pullMaxBytes >= 1, workers >= 1");
        }
    }

    /** No upload limit, public pull targets only up to 4 GiB, 30 s idle, 4 workers, links for 5 minutes. */
    public static FileSettings defaults() {
        return new FileSettings(0, false, DEFAULT_PULL_MAX_BYTES, Duration.ofSeconds(30), 4, Duration.ofMinutes(5), null);
    }

    public FileSettings withUploadMaxFileBytes(long n) {
        return new FileSettings(n, pullAllowsPrivate, pullMaxBytes, pullIdleTimeout, workers, linkTtl, agents);
    }

    public FileSettings withPullAllowsPrivate(boolean allow) {
        return new FileSettings(uploadMaxFileBytes, allow, pullMaxBytes, pullIdleTimeout, workers, linkTtl, agents);
    }

    public FileSettings withLinkTtl(Duration ttl) {
        return new FileSettings(uploadMaxFileBytes, pullAllowsPrivate, pullMaxBytes, pullIdleTimeout, workers, ttl, agents);
    }

    public FileSettings withPullMaxBytes(long n) {
        return new FileSettings(uploadMaxFileBytes, pullAllowsPrivate, n, pullIdleTimeout, workers, linkTtl, agents);
    }

    public FileSettings withAgents(dev.raptor.api.agent.NodeAgents a) {
        return new FileSettings(uploadMaxFileBytes, pullAllowsPrivate, pullMaxBytes, pullIdleTimeout, workers, linkTtl, a);
    }
}
