package dev.raptor.core.runtime;

/**
 * What part of a container's output to read.
 *
 * @param tail   how many past lines to deliver first; 0 = none, -1 = all
 * @param follow whether to keep delivering new lines until the container stops or the subscription closes
 */
public record LogRequest(int tail, boolean follow) {
    public static LogRequest follow(int tail) {
        return new LogRequest(tail, true);
    }

    public static LogRequest history(int tail) {
        return new LogRequest(tail, false);
    }
}
