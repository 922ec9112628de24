package dev.raptor.core.testing;

import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The end of every test fleet: each server it still holds is deleted (killed if it runs), all at once, and the
 * teardown waits for every delete before the fleet, its runtime and its store are closed, so that no server is
 * still writing into a directory the test framework is about to remove.
 */
public final class FleetTeardown {
    private FleetTeardown() {
    }

    /**
     * Deletes every server of {@code fleet} with force and waits for each delete, at most {@code deadline} apiece.
     *
     * @throws Exception the first delete that failed or did not end in time, the others added as suppressed; thrown
     *                   only after every delete was waited for
     */
    public static void deleteAll(ServerFleet fleet, Duration deadline) throws Exception {
        List<CompletableFuture<PowerResult>> deletes = new ArrayList<>();
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            deletes.add(fleet.delete(s.id(), true));
        }
        Exception first = null;
        for (CompletableFuture<PowerResult> d : deletes) {
            try {
                d.get(deadline.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
