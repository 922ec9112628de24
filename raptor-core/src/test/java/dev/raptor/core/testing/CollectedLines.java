package dev.raptor.core.testing;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.StreamSink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A log stream's sink for tests: what the stream delivered, and whether it has ended. */
public final class CollectedLines implements StreamSink<LogLine> {
    public final List<LogLine> lines = new CopyOnWriteArrayList<>();
    public final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public void next(LogLine line) {
        lines.add(line);
    }

    @Override
    public void end(Throwable error) {
        ended.countDown();
    }

    public List<String> texts() {
        return lines.stream().map(LogLine::text).toList();
    }
}
