package dev.raptor.api.http;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Invocable;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The API's TCP connector when {@link PollStamps} is on (never otherwise): its endpoints stamp when a selector found
 * the connection readable and when the task that reads it began to run, so that a poll's "to the daemon" splits into
 * the selector's wake-up and the read task's wait for a thread (with virtual threads, for a carrier).
 */
public final class PollStampConnector extends ServerConnector {
    public PollStampConnector(Server server, ByteBufferPool buffers, int selectors, ConnectionFactory... factories) {
        super(server, null, null, buffers, -1, selectors, factories);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        StampedEndPoint endPoint = new StampedEndPoint(channel, selector, key, this);
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /** A socket endpoint that keeps the stamps of its latest read: selected (on the selector) and started (its task). */
    static final class StampedEndPoint extends SocketChannelEndPoint {
        private volatile SelectionKey key;
        /** {@link System#nanoTime()} when a selector last found this connection readable and its read task began; -1: never. */
        private volatile long selected = -1;
        private volatile long started = -1;

        StampedEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, ServerConnector connector) {
            super(channel, selector, key, connector.getScheduler());
            this.key = key;
        }

        @Override
        public void replaceKey(SelectionKey newKey) {
            super.replaceKey(newKey);
            key = newKey;
        }

        @Override
        public Runnable onSelected() {
            long now = System.nanoTime();
            boolean readable = (key.readyOps() & SelectionKey.OP_READ) != 0;
            Runnable task = super.onSelected();
            return task == null || !readable ? task : new StampedRead(task, now);
        }

        long selected() {
            return selected;
        }

        long started() {
            return started;
        }

        /** The read task as Jetty made it (its invocation type kept, so that Jetty schedules it the same way). */
        private final class StampedRead implements Invocable.Task {
            private final Runnable task;
            private final long selectedAt;

            StampedRead(Runnable task, long selectedAt) {
                this.task = task;
                this.selectedAt = selectedAt;
            }

            @Override
            public void run() {
                selected = selectedAt;
                started = System.nanoTime();
                task.run();
            }

            @Override
            public InvocationType getInvocationType() {
                return Invocable.getInvocationType(task);
            }

            @Override
            public String toString() {
                return task.toString();
            }
        }
    }
}
