package dev.raptor.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import dev.raptor.core.runtime.EngineException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes a line to a container's stdin: one short attach per line, no state kept between lines.
 *
 * <p>How: {@code POST /containers/{id}/attach?stream=1&stdin=1} (no stdout/stderr), upgraded to a raw
 * stream on a {@link HijackedConnection}; the line is written and the write side closed. The engine copies
 * the bytes into the container's stdin, sees the end of this attach's input, and - because the container
 * was created with {@code StdinOnce=false} - leaves the container's stdin open, ends the attach and closes
 * the connection. Waiting for that close is the delivery receipt: when {@link #send} returns, the line is in
 * the container's stdin pipe, so consecutive lines arrive in order.
 */
final class StdinAttach {
    private StdinAttach() {
    }

    /** Runs inside an {@link EngineCalls} call (the deadline interrupts the wait). */
    static void send(EngineConnection.Clients clients, String containerId, UUID serverId, String line) throws Exception {
        InspectContainerResponse c = clients.calls().inspectContainerCmd(containerId).exec();
        if (c.getState() == null || !Boolean.TRUE.equals(c.getState().getRunning())) {
            throw new EngineException.Conflict(serverId, "sendInput", "container " + containerId + " is not running", null);
        }
        if (Boolean.TRUE.equals(c.getState().getPaused())) {
            throw new EngineException.Conflict(serverId, "sendInput", "container " + containerId + " is paused", null);
        }
        if (c.getConfig() != null && !Boolean.TRUE.equals(c.getConfig().getStdinOpen())) {
            throw new EngineException.Rejected(serverId, "sendInput",
                    "container " + containerId + " was created without an open stdin; recreate it to use the console", null);
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        AwaitedStream<Frame> attach = new AwaitedStream<>(frame -> { });
        clients.streams().attachContainerCmd(containerId)
                .withStdIn(new ByteArrayInputStream(bytes))
                .withStdOut(false)
                .withStdErr(false)
                .withLogs(false)
                .withFollowStream(true)
                .exec(attach);
        attach.await();
    }
}
