package dev.raptor.docker;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What this runtime's image inspects said (an image reference: its id and labels), so that a start need not ask the
 * engine again. A start asks whether its image is present ({@code hasImage}, to pull it when it is not) and its create's
 * seed needs the image's labels ({@link ServerFilesInImages#seed}).
 *
 * <p>An answer is trusted in one of two ways:
 * <ul>
 *   <li><b>Watched:</b> while the engine's image events are followed ({@link ImageWatch}), from before the inspect
 *       began until now, and no image event came since: any number of times. Every image event (a tag, an untag, a
 *       delete, a pull, an import, a load, a build's tag) and every connect or break of the watch forgets them all at
 *       once, so a reference re-tagged to another image is asked about again.</li>
 *   <li><b>Recent:</b> without a watch, once, within {@link #FRESH_FOR} of the inspect: a start's check and its create
 *       a moment later.</li>
 * </ul>
 * An image this runtime changes (pull, commit, removal) forgets everything. What is left: a re-tag by someone else is
 * seen when its event arrives (a fraction of a millisecond on a local socket); a create in that moment seeds by the
 * labels the tag named before, the same window the separate check and create of a start always had.
 */
final class KnownImages {
    /** Longer than a start's check-to-create even on a loaded machine; short enough to stay "within one start". */
    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    /** Inspects of many references (API reads of images) leave entries; past this many they are all dropped. */
    private static final int MAX_ENTRIES = 256;

    /** What an inspect said, at {@code atNanos}; {@code generation} is the watch's at its start, -1 when unwatched. */
    record Seen(String id, Map<String, String> labels, long atNanos, long generation) {
    }

    private final Map<String, Seen> byReference = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    /** Bumped by every image event, every connect and break of a watch, and every change this runtime makes. */
    private final AtomicLong generation = new AtomicLong();
    /** Image watches whose stream the engine answered and that have not ended. */
    private final AtomicInteger watching = new AtomicInteger();

    KnownImages(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    KnownImages() {
        this(System::nanoTime);
    }

    /** Taken just before an inspect, and handed to {@link #remember} with its answer. */
    long beforeInspect() {
        return watching.get() > 0 ? generation.get() : -1;
    }

    /** Remembers what an inspect of {@code reference} begun at {@code before} ({@link #beforeInspect}) said. */
    void remember(String reference, String id, Map<String, String> labels, long before) {
        if (byReference.size() >= MAX_ENTRIES) {
            byReference.clear();
        }
        byReference.put(reference, new Seen(id, labels == null ? Map.of() : Map.copyOf(labels), nanoTime.getAsLong(), before));
    }

    /** Whether an inspect of {@code reference} is still true by the watch (not used up by it). */
    boolean watched(String reference) {
        Seen seen = byReference.get(reference);
        return seen != null && stillTrue(seen);
    }

    /**
     * The labels of {@code reference}'s image as an inspect said them, if that is still true by the watch, or, without
     * one, if the inspect was within {@link #FRESH_FOR} (then once); empty when the engine must be asked.
     */
    Optional<Map<String, String>> labels(String reference) {
        Seen seen = byReference.get(reference);
        if (seen == null) {
            return Optional.empty();
        }
        if (stillTrue(seen)) {
            return Optional.of(seen.labels());
        }
        byReference.remove(reference, seen);
        return nanoTime.getAsLong() - seen.atNanos() > FRESH_FOR.toNanos() ? Optional.empty() : Optional.of(seen.labels());
    }

    private boolean stillTrue(Seen seen) {
        return seen.generation() >= 0 && watching.get() > 0 && generation.get() == seen.generation();
    }

    /** A watch's stream was answered: images are followed from now on (what was remembered before is not trusted). */
    void watchOpened() {
        watching.incrementAndGet();
        generation.incrementAndGet();
    }

    /** A watch's stream ended: events may be missed from now on. */
    void watchEnded() {
        watching.decrementAndGet();
        generation.incrementAndGet();
    }

    /** The engine told of an image event: any reference may name another image now. */
    void changed() {
        generation.incrementAndGet();
    }

    /** An image changed by this runtime: nothing remembered is trusted any more. */
    void forgetAll() {
        generation.incrementAndGet();
        byReference.clear();
    }
}
