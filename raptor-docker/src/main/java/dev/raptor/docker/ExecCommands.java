package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import dev.raptor.core.exec.ExecRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's exec API as the runtime uses it: making an exec from a request, reading how it ended, and killing one
 * past its timeout. The engine has no call that kills an exec: its process is found by the host pid the engine
 * reports and killed with everything it started, after checking (in {@code /proc/<pid>/cgroup}) that it is that
 * container's, which works when the engine runs on this host in this pid namespace (as a local Unix socket engine
 * does). Elsewhere the command is left running, and the answer says its exit code is unknown.
 */
final class ExecCommands {
    private static final Logger log = LoggerFactory.getLogger(ExecCommands.class);

    private ExecCommands() {
    }

    /** Makes the exec; answers its id. */
    static String create(DockerClient client, String containerId, ExecRequest request, boolean stdin) {
        List<String> env = new ArrayList<>();
        request.environment().forEach((k, v) -> env.add(k + "=" + v));
        if (request.tty() && !request.environment().containsKey("TERM")) {
            env.add("TERM=xterm");
        }
        var cmd = client.execCreateCmd(containerId)
                .withCmd(request.command().toArray(String[]::new))
                .withEnv(env)
                .withAttachStdin(stdin)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(request.tty());
        if (request.workingDir() != null) {
            cmd.withWorkingDir(request.workingDir());
        }
        if (request.user() != null) {
            cmd.withUser(request.user());
        }
        return cmd.exec().getId();
    }

    /** The exit code, once the engine has recorded it (it does a moment after the output ends); empty while it runs. */
    static Optional<Integer> exitCode(DockerClient client, String execId) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            InspectExecResponse r = client.inspectExecCmd(execId).exec();
            if (!Boolean.TRUE.equals(r.isRunning()) && r.getExitCodeLong() != null) {
                return Optional.of(r.getExitCodeLong().intValue());
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /**
     * SIGKILLs the exec's process and its descendants, when they can be reached from here.
     *
     * @return whether it was killed
     */
    static boolean kill(DockerClient client, String containerId, String execId) {
        Long pid = client.inspectExecCmd(execId).exec().getPidLong();
        if (pid == null || pid <= 0) {
            return false;
        }
        try {
            String cgroup = Files.readString(Path.of("/proc/" + pid + "/cgroup"), StandardCharsets.US_ASCII);
            if (!cgroup.contains(containerId)) {
                log.atWarn().addKeyValue("pid", pid).addKeyValue("container", containerId)
                        .log("an exec's pid is not in its container here (another pid namespace?): not killed");
                return false;
            }
        } catch (IOException e) {
            return false; // not on this host, or gone already
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        process.ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        return process.isPresent();
    }
}
