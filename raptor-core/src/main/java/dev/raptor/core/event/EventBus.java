package dev.raptor.core.event;

import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * In-process publish/subscribe for {@link RaptorEvent}s. {@link #publish} never blocks and never
 * fails: each subscriber owns a bounded queue drained by its own virtual thread, so a slow
 * subscriber can only lose its own oldest events (counted in {@link Listener#dropped()}), never slow
 * the publisher or the other subscribers.
 */
public final class EventBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    /** Default queue size per subscriber. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final Set<Listener<?>> listeners = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Delivers every event of {@code type} that passes {@code filter} to {@code handler}, in publish order. */
    public <E extends RaptorEvent> Listener<E> subscribe(Class<E> type, Predicate<? super E> filter, int capacity,
                                                         Consumer<? super E> handler) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        Listener<E> l = new Listener<>(type, filter, capacity, handler);
        if (closed) {
            l.close();
            return l;
        }
        listeners.add(l);
        l.thread = Thread.ofVirtual().name("event-listener-" + type.getSimpleName()).start(l::drain);
        return l;
    }

    public <E extends RaptorEvent> Listener<E> subscribe(Class<E> type, Consumer<? super E> handler) {
        return subscribe(type, e -> true, DEFAULT_CAPACITY, handler);
    }

    /** Hands the event to every matching subscriber's queue. Never blocks. */
    public void publish(RaptorEvent event) {
        for (Listener<?> l : listeners) {
            l.offer(event);
        }
    }

    /** Live subscriber count (for tests that prove nothing leaks). */
    public int subscriberCount() {
        return listeners.size();
    }

    @Override
    public void close() {
        closed = true;
        for (Listener<?> l : listeners) {
            l.close();
        }
    }

    /** One subscription: a bounded queue and the virtual thread that drains it into the handler. */
    public final class Listener<E extends RaptorEvent> implements Subscription {
        private final Class<E> type;
        private final Predicate<? super E> filter;
        private final int capacity;
        private final Consumer<? super E> handler;
        private final ArrayDeque<E> queue = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition nonEmpty = lock.newCondition();
        private final AtomicLong dropped = new AtomicLong();
        private volatile boolean open = true;
        private volatile Thread thread;

        private Listener(Class<E> type, Predicate<? super E> filter, int capacity, Consumer<? super E> handler) {
            this.type = type;
            this.filter = filter;
            this.capacity = capacity;
            this.handler = handler;
        }

        private void offer(RaptorEvent event) {
            if (!open || !type.isInstance(event)) {
                return;
            }
            E e = type.cast(event);
            try {
                if (!filter.test(e)) {
                    return;
                }
            } catch (RuntimeException ex) {
                log.warn("event filter failed; event skipped for this listener", ex);
                return;
            }
            lock.lock();
            try {
                if (queue.size() >= capacity) {
                    queue.pollFirst();
                    dropped.incrementAndGet();
                }
                queue.addLast(e);
                nonEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        private void drain() {
            while (open) {
                E next;
                lock.lock();
                try {
                    while (open && queue.isEmpty()) {
                        nonEmpty.await();
                    }
                    if (!open) {
                        return;
                    }
                    next = queue.pollFirst();
                } catch (InterruptedException ie) {
                    return;
                } finally {
                    lock.unlock();
                }
                try {
                    handler.accept(next);
                } catch (RuntimeException ex) {
                    log.warn("event handler failed for {}", next.type(), ex);
                }
            }
        }

        /** Events this listener lost because its queue was full. */
        public long dropped() {
            return dropped.get();
        }

        /** Events waiting to be handled. */
        public int queued() {
            lock.lock();
            try {
                return queue.size();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            listeners.remove(this);
            lock.lock();
            try {
                queue.clear();
                nonEmpty.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits (bounded) for the drain thread to finish, e.g. in tests counting threads. */
        public boolean awaitTermination(java.time.Duration timeout) throws InterruptedException {
            Thread t = thread;
            return t == null || t.join(timeout);
        }
    }
}
