package dev.raptor.api.console;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.image.PullProgress;
import dev.raptor.wire.console.SocketMessage;

import java.util.Locale;

/**
 * How the console socket tells a start's image pull, as Wings does: a {@code daemon message} as it begins and as it
 * ends, and in between one {@code install output} line per step the engine reports (at most a few a second per layer),
 * e.g. {@code Pulling registry.local/game:1: 3f2a1b9c0d4e Downloading 12.0/40.5 MB}.
 */
final class ImagePullLines {
    private ImagePullLines() {
    }

    static SocketMessage message(ServerEvent.ImagePull pull) {
        PullProgress p = pull.progress();
        if (p == null) {
            return SocketMessage.of(SocketMessage.DAEMON_MESSAGE, pull.message());
        }
        StringBuilder line = new StringBuilder("Pulling ").append(pull.image()).append(": ");
        if (p.layer() != null) {
            line.append(p.layer()).append(' ');
        }
        line.append(p.status());
        if (p.totalBytes() > 0) {
            line.append(' ').append(mb(p.currentBytes())).append('/').append(mb(p.totalBytes())).append(" MB");
        }
        return SocketMessage.of(SocketMessage.INSTALL_OUTPUT, line.toString());
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1_000_000.0);
    }
}
