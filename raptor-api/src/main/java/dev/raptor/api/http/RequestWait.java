package dev.raptor.api.http;

import jakarta.servlet.ServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * How long a request waited between Jetty reading its headers and its handler starting: the time it sat in
 * a queue for a thread to run it (for a virtual thread, for a free carrier). A handler's own timer starts
 * after that wait, so a request that was slow only because it waited looks fast there.
 */
public final class RequestWait {
    private RequestWait() {
    }

    /**
     * @param handlerStartNanos {@link System#nanoTime()} when the handler started
     * @return the wait in nanoseconds, or -1 when {@code request} is not one Jetty's servlet layer made
     */
    public static long nanos(ServletRequest request, long handlerStartNanos) {
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
        if (jetty == null) {
            return -1;
        }
        // from the headers, not from Jetty's begin (the first byte): a client slow to send its headers is not a wait for a thread
        return Math.max(0, handlerStartNanos - jetty.getHeadersNanoTime());
    }
}
