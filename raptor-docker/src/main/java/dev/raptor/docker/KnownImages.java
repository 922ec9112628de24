package dev.raptor.docker;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The labels of images this runtime inspected a moment ago, each handed once to the next create from the same
 * reference. A start asks whether its image is present ({@code inspectImage}, to pull it when it is not) and then
 * creates the container, whose seed needs the image's labels ({@link ServerFilesInImages#seed}): without this, the
 * engine was asked for the same image twice within one start.
 *
 * <p>An entry is used at most once and only within {@link #FRESH_FOR} of the inspect; an image this runtime changes
 * (pull, commit, removal) forgets every entry. What is left is a retag by someone else in the moment between a
 * start's inspect and its create, which can make the seed decide on the labels of the image the tag named a moment
 * before: the same race the two separate inspects had, a little wider.
 */
final class RecentImageLabels {
    /** Longer than a start's inspect-to-create even on a loaded machine; short enough to stay "within one start". */
    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    /** Inspects without a create (API reads of images) leave entries; past this many they are all dropped. */
    private static final int MAX_ENTRIES = 256;

    private record Seen(Map<String, String> labels, long atNanos) {
    }

    private final Map<String, Seen> byReference = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RecentImageLabels(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    RecentImageLabels() {
        this(System::nanoTime);
    }

    /** Remembers what an inspect of {@code reference} said just now. */
    void remember(String reference, Map<String, String> labels) {
        if (byReference.size() >= MAX_ENTRIES) {
            byReference.clear();
        }
        byReference.put(reference, new Seen(labels == null ? Map.of() : Map.copyOf(labels), nanoTime.getAsLong()));
    }

    /** The labels an inspect of {@code reference} found within {@link #FRESH_FOR}, once; empty when none. */
    Optional<Map<String, String>> take(String reference) {
        Seen seen = byReference.remove(reference);
        if (seen == null || nanoTime.getAsLong() - seen.atNanos() > FRESH_FOR.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(seen.labels());
    }

    /** An image changed: nothing remembered is trusted any more. */
    void forgetAll() {
        byReference.clear();
    }
}
