package dev.raptor.cli.api;

import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.wire.client.DaemonEndpoint;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.client.RaptorIoException;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.client.RaptorUnreachableException;

import java.nio.file.Files;

/** A failed call to the daemon as raptorctl reports it: the daemon's problem (exit by status), unreachable (5), or broken (1). */
public final class DaemonErrors {
    private DaemonErrors() {
    }

    public static CliException of(RaptorException e) {
        return switch (e) {
            case RaptorProblemException p -> ApiProblemException.of(p);
            case RaptorUnreachableException u -> new CliException(ExitCode.UNREACHABLE, u.getMessage() + hint(u.endpoint()), u);
            case RaptorIoException io -> new CliException(ExitCode.FAILURE, io.getMessage(), io);
        };
    }

    private static String hint(DaemonEndpoint endpoint) {
        return endpoint instanceof DaemonEndpoint.UnixSocket s && !Files.exists(s.path())
                ? "; set RAPTOR_SOCKET or --socket to use another" : "";
    }
}
