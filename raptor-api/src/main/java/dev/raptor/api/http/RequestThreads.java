package dev.raptor.api.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ThreadPool;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * Chooses the thread each request's handlers run on: a virtual thread of its own for every request, except the polled
 * answers (a panel's {@code GET /servers}, back to back), which run on one of Jetty's platform threads.
 *
 * <p>Why: the JDK's virtual-thread scheduler (a {@code ForkJoinPool}) runs a task submitted from outside its carriers
 * (a virtual thread started by Jetty's selector, a platform thread) only once a carrier's own queue is empty, and
 * virtual threads woken by other virtual threads go to that queue. While the daemon works hard (100 servers recreated
 * at once, their consoles attached), the carriers' own queues stay full for up to a second or more, and a panel's poll
 * waited that long before its request was even read (measured in the bench's storm: the read task's wait was the
 * slowest polls' time). A platform thread is scheduled by the kernel, fairly, beside everything else. The polled list
 * never blocks on the engine or an operation (it is written from the kept bytes of each server), so a bounded pool of
 * platform threads serves it; everything that may block (engine calls, operations waited for, uploads, consoles) keeps
 * its virtual thread.
 *
 * <p>This handler declares itself non-blocking, so Jetty reads and parses a request on the selector thread that saw it
 * (cheap: headers only) and calls it there; it then hands the request on at once and never runs a handler itself.
 * A request that cannot be handed on (the pool refuses it) is answered 503.
 *
 * <p>One exception: a polled request is first offered to an {@link InPlace} answer, which may answer it right there, on
 * the selector thread, when it can do so without blocking (the ordinary poll: {@code PolledListInPlace}). On two busy
 * cores every hand-over is one more wait for a core: a poll answered in place waits for one (the selector's wake-up)
 * instead of two, and costs no thread switch. What it declines goes to a platform thread as above.
 */
public final class RequestThreads extends Handler.Wrapper {
    private final Executor virtual;
    private final ThreadPool platform;
    private final Predicate<Request> polled;
    private final InPlace inPlace;

    /**
     * Answers a polled request on the thread that read it, when it can. It runs on a selector thread: it must never block
     * (no lock held by work that waits, no engine call, no blocking write: {@link Response#write} with the callback).
     */
    @FunctionalInterface
    public interface InPlace {
        /** Declines everything: every polled request runs on a platform thread. */
        InPlace NONE = (request, response, callback) -> false;

        /**
         * @return true when it answered (the callback is then its: completed or failed once the write is done); false
         *         when it declined, having touched neither the response nor the callback
         */
        boolean answer(Request request, Response response, Callback callback);
    }

    /**
     * @param virtual runs each request that may block, on a virtual thread of its own
     * @param platform Jetty's platform threads: the polled answers
     * @param polled the requests whose handlers never block (they run on {@code platform})
     */
    public RequestThreads(Executor virtual, ThreadPool platform, Predicate<Request> polled) {
        this(virtual, platform, polled, InPlace.NONE);
    }

    /**
     * @param virtual runs each request that may block, on a virtual thread of its own
     * @param platform Jetty's platform threads: the polled answers {@code inPlace} declines
     * @param polled the requests whose handlers never block
     * @param inPlace offered each polled request first, on the selector thread
     */
    public RequestThreads(Executor virtual, ThreadPool platform, Predicate<Request> polled, InPlace inPlace) {
        this.inPlace = inPlace;
        this.virtual = virtual;
        this.platform = platform;
        this.polled = polled;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        boolean isPolled = polled.test(request);
        if (isPolled && inPlace.answer(request, response, callback)) {
            return true;
        }
        Runnable handling = () -> {
            try {
                if (!next.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable failure) {
                Response.writeError(request, response, callback, failure);
            }
        };
        try {
            (isPolled ? platform : virtual).execute(handling);
        } catch (RejectedExecutionException full) {
            Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "no thread free for the request");
        }
        return true;
    }
}
