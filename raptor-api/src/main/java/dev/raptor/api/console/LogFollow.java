package dev.raptor.api.console;

import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleListener;
import dev.raptor.core.console.ConsoleSubscription;
import dev.raptor.core.runtime.LogLine;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * {@code GET …/logs?follow=true}: the last {@code tail} lines, then every new line as it comes, as
 * chunked {@code text/plain} (what {@code raptorctl logs -f} reads). The response ends when the
 * client goes away (noticed at the next write), the server is deleted or the daemon shuts down.
 * A reader that falls a full queue behind gets a {@code [raptor] N lines dropped} line where the
 * gap is.
 */
public final class LogFollow implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogFollow.class);

    private final ConsoleHub consoles;
    private final Set<CompletableFuture<Void>> following = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public LogFollow(ConsoleHub consoles) {
        this.consoles = consoles;
    }

    /** Streams until the end; the caller has checked that the server exists. */
    public void stream(Context ctx, UUID serverId, int tail) throws IOException {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        CountDownLatch historyWritten = new CountDownLatch(1);
        ctx.status(200);
        ctx.contentType("text/plain; charset=utf-8");
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        OutputStream out = ctx.res().getOutputStream();
        following.add(ended);
        ConsoleSubscription sub = consoles.subscribe(serverId, new ConsoleListener() {
            @Override
            public void lines(List<LogLine> batch) {
                write(batch.stream().map(LogLine::text).toList());
            }

            @Override
            public void dropped(long count) {
                write(List.of("[raptor] " + count + " lines dropped: this reader fell behind"));
            }

            @Override
            public void ended(EndReason reason) {
                ended.complete(null);
            }

            private void write(List<String> lines) {
                try {
                    historyWritten.await();
                    writeLines(out, lines);
                } catch (IOException e) {
                    ended.complete(null); // the client went away
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ended.complete(null);
                }
            }
        });
        try {
            if (closed) {
                return;
            }
            writeLines(out, sub.history(tail).stream().map(LogLine::text).toList());
            out.flush();
            historyWritten.countDown();
            ended.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("server={} log follow ended: {}", serverId, e.toString());
        } finally {
            historyWritten.countDown();
            sub.close();
            following.remove(ended);
        }
    }

    private static void writeLines(OutputStream out, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l).append('\n');
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Followers still streaming (for tests). */
    public int following() {
        return following.size();
    }

    /** Ends every follow stream (daemon shutdown). */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<Void> f : List.copyOf(following)) {
            f.complete(null);
        }
    }
}
