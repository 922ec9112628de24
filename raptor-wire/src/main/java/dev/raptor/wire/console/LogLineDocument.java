package dev.raptor.wire.console;

import java.time.Instant;

/** One line of output: when, on which stream ({@code stdout} or {@code stderr}), and its text. */
public record LogLineDocument(Instant at, String stream, String text) {
}
