package dev.raptor.process;

import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.runtime.Deadline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A non-interactive command beside a server ({@link ServerCommand}) run to its end: its stdout and stderr read
 * as they come (so it never blocks on a full pipe), each kept up to a bound and the rest dropped; past its timeout
 * its whole process group is killed.
 */
final class CommandRun {
    private static final int SIGKILL = 9;

    private CommandRun() {
    }

    /**
     * @param timeout how long it may run
     * @param until   the caller's deadline, which the timeout never outlasts
     * @throws IOException when it cannot be started
     */
    static ExecResult run(ProcessBuilder pb, Duration timeout, Deadline until, int maxOutput) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        Bounded out = new Bounded(maxOutput);
        Bounded err = new Bounded(maxOutput);
        Thread outReader = Thread.ofVirtual().name("raptor-exec-out").start(() -> out.drain(p.getInputStream()));
        Thread errReader = Thread.ofVirtual().name("raptor-exec-err").start(() -> err.drain(p.getErrorStream()));
        long waitNanos = Math.min(timeout.toNanos(), until.remaining().toNanos());
        boolean ended;
        try {
            ended = p.waitFor(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killGroup(p);
            throw e;
        }
        if (!ended) {
            killGroup(p);
            p.waitFor(10, TimeUnit.SECONDS);
        }
        // a process it left behind in its group may hold the pipes: give the readers a moment, then stop waiting
        outReader.join(Duration.ofSeconds(2));
        errReader.join(Duration.ofSeconds(2));
        Integer code = p.isAlive() ? null : p.exitValue();
        return new ExecResult(code, out.text(), err.text(), out.truncated(), err.truncated(), !ended,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** SIGKILLs the command's process group (it leads one: {@code setsid}). */
    static void killGroup(Process p) {
        LibC.kill(-p.pid(), SIGKILL);
        p.destroyForcibly();
    }

    /** Output kept up to a bound; the rest is read and dropped. */
    static final class Bounded {
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        Bounded(int max) {
            this.max = max;
        }

        void drain(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    add(buffer, n);
                }
            } catch (IOException e) {
                // the process ended or was killed: what came is what there is
            }
        }

        synchronized void add(byte[] buffer, int n) {
            int room = max - kept.size();
            kept.write(buffer, 0, Math.max(0, Math.min(room, n)));
            if (n > room) {
                truncated = true;
            }
        }

        /** The kept bytes as UTF-8; a character cut by the bound, or malformed, becomes U+FFFD. */
        synchronized String text() {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(kept.toByteArray())).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }

        boolean truncated() {
            return truncated;
        }
    }
}
