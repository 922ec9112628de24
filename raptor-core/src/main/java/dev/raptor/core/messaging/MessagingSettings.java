package dev.raptor.core.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * How message sockets behave.
 *
 * @param queueLimit      messages that may wait for a server's program's acknowledgement at once; more are refused
 * @param deliveryTimeout how long a message waits for the program's acknowledgement before it fails and is dropped
 * @param maxLineBytes    the largest message either way, in bytes (one line, without its newline)
 */
public record MessagingSettings(int queueLimit, Duration deliveryTimeout, int maxLineBytes) {
    public MessagingSettings {
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (queueLimit < 1 || maxLineBytes < 256) {
            throw new IllegalArgumentException("queueLimit must be positive and maxLineBytes at least 256");
        }
    }

    /** 1,000 waiting messages, 30 s to deliver, 64 KiB per message. */
    public static MessagingSettings defaults() {
        return new MessagingSettings(1000, Duration.ofSeconds(30), 64 * 1024);
    }
}
