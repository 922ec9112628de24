package dev.raptor.core.query;

import java.time.Instant;
import java.util.Optional;

/** The outcome of one status query: an answer, or why there was none. */
public sealed interface QueryResult {
    Instant at();

    /** The latest answer this result carries: its own, or (when it failed) the one before it. */
    Optional<GameStatus> lastAnswer();

    /** The server answered. */
    record Answered(GameStatus status) implements QueryResult {
        @Override
        public Instant at() {
            return status.at();
        }

        @Override
        public Optional<GameStatus> lastAnswer() {
            return Optional.of(status);
        }
    }

    /**
     * The server did not answer in time, refused the connection or answered something that is not the
     * protocol. {@code previous} is the last answer before, if any, so readers can still show it as stale.
     */
    record Unanswered(Instant at, String reason, GameStatus previous) implements QueryResult {
        @Override
        public Optional<GameStatus> lastAnswer() {
            return Optional.ofNullable(previous);
        }
    }
}
