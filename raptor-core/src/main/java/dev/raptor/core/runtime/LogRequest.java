package dev.raptor.core.runtime;

import java.time.Instant;

/**
 * What part of a container's output to read.
 *
 * @param tail   how many past lines to deliver first; 0 = none, -1 = all
 * @param follow whether to keep delivering new lines (written from the call to {@code logs} on, see
 *               {@link ContainerRuntime#logs}) until the container stops or the subscription closes
 * @param since  only lines the engine stamped at or after this instant (null = no bound); runtimes must
 *               apply it precisely, even where the engine's own filter is coarser (Docker: whole seconds). It is
 *               this machine's time: a runtime whose engine keeps another clock translates it, widening the
 *               window by what it cannot know of that clock rather than narrowing it
 */
public record LogRequest(int tail, boolean follow, Instant since) {

    public LogRequest(int tail, boolean follow) {
        this(tail, follow, null);
    }

    public static LogRequest follow(int tail) {
        return new LogRequest(tail, true, null);
    }

    public static LogRequest history(int tail) {
        return new LogRequest(tail, false, null);
    }

    /** Every line from {@code since} on, then new ones. */
    public static LogRequest followSince(Instant since) {
        return new LogRequest(-1, true, since);
    }
}
