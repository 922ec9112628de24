package dev.raptor.docker;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** What a non-interactive exec wrote, per stream, each kept up to a bound (the rest is read and dropped). */
final class ExecOutput {
    private final int max;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private boolean stdoutTruncated;
    private boolean stderrTruncated;

    ExecOutput(int max) {
        this.max = max;
    }

    synchronized void add(Frame frame) {
        byte[] b = frame.getPayload();
        if (b == null) {
            return;
        }
        boolean err = frame.getStreamType() == StreamType.STDERR;
        ByteArrayOutputStream out = err ? stderr : stdout;
        int room = max - out.size();
        out.write(b, 0, Math.max(0, Math.min(room, b.length)));
        if (b.length > room) {
            if (err) {
                stderrTruncated = true;
            } else {
                stdoutTruncated = true;
            }
        }
    }

    synchronized String stdout() {
        return text(stdout);
    }

    synchronized String stderr() {
        return text(stderr);
    }

    synchronized boolean stdoutTruncated() {
        return stdoutTruncated;
    }

    synchronized boolean stderrTruncated() {
        return stderrTruncated;
    }

    private static String text(ByteArrayOutputStream out) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
