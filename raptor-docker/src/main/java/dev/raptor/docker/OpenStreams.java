package dev.raptor.docker;

import dev.raptor.core.runtime.Subscription;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of one runtime whose reader has not finished (rule 7: tests count them before and
 * after; the runtime closes whatever is left when it closes).
 */
final class OpenStreams {
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

    void opened(Subscription s) {
        open.add(s);
    }

    void ended(Subscription s) {
        open.remove(s);
    }

    int count() {
        return open.size();
    }

    void closeAll() {
        for (Subscription s : List.copyOf(open)) {
            s.close();
        }
    }
}
