package dev.raptor.core.testing;

import dev.raptor.core.runtime.ContainerRuntime;

/**
 * The lifecycle contract on a {@link FakeRuntime} whose events tell exits as they happen, as Docker's do: stops and kills
 * then take their exit codes from the events and ask the runtime only when none comes.
 */
class FakeRuntimeToldExitsLifecycleTest extends FakeRuntimeLifecycleTest {
    @Override
    protected ContainerRuntime openRuntime() {
        return ((FakeRuntime) super.openRuntime()).tellingExits(true);
    }
}
