package dev.raptor.docker;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.StreamSink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A sink that keeps everything it is given, for assertions. */
final class Collector<T> implements StreamSink<T> {
    final List<T> items = new CopyOnWriteArrayList<>();
    final AtomicInteger ends = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicInteger nextAfterEnd = new AtomicInteger();

    @Override
    public void next(T item) {
        if (ends.get() > 0) {
            nextAfterEnd.incrementAndGet();
        }
        items.add(item);
    }

    @Override
    public void end(Throwable e) {
        error.set(e);
        ends.incrementAndGet();
    }

    boolean ended() {
        return ends.get() > 0;
    }

    /** For log collectors: the text of every line so far. */
    List<String> texts() {
        return items.stream().map(i -> ((LogLine) i).text()).toList();
    }

    boolean hasLine(String text) {
        return items.stream().anyMatch(i -> i instanceof LogLine l && l.text().equals(text));
    }
}
