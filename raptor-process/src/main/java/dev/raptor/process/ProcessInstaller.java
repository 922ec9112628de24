package dev.raptor.process;

import dev.raptor.core.install.InstallException;
import dev.raptor.core.install.InstallJob;
import dev.raptor.core.install.InstallRunner;
import dev.raptor.core.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Install scripts on the process runtime: {@code /bin/sh} runs the script in the server's data directory as the server
 * user (the same privilege drop as the server's own runs), with the environment a run gets (PATH, HOME, USER and the
 * server's effective environment), in a session of its own so that a cancel kills everything it started. The script
 * is kept for the run in a directory only that user may read, never among the server's files. The image and
 * entrypoint of an {@link dev.raptor.core.install.InstallScript} are Docker's and not used here.
 */
public final class ProcessInstaller implements InstallRunner {
    private static final Logger log = LoggerFactory.getLogger(ProcessInstaller.class);

    private final HostTools tools;
    private final ServerUser user;

    ProcessInstaller(HostTools tools, ServerUser user) {
        this.tools = tools;
        this.user = user;
    }

    @Override
    public int run(InstallJob job, Consumer<String> output, Deadline deadline) throws InterruptedException {
        UUID id = job.spec().id();
        if (user.refusal() != null) {
            throw new InstallException(user.refusal(), null);
        }
        Path dataDir = job.dataDir().toAbsolutePath().normalize();
        Path scriptDir = null;
        Process p = null;
        try {
            ServerDataDir.prepare(dataDir, user, false, deadline);
            scriptDir = scriptDir(job);
            List<String> command = new ArrayList<>();
            command.add(tools.setsid().toString());
            command.addAll(user.execPrefix());
            command.add(tools.sh().toString());
            command.add(scriptDir.resolve("install.sh").toString());
            ProcessBuilder pb = new ProcessBuilder(command).directory(dataDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(environment(job, dataDir));
            p = pb.start();
            Thread out = reader(p.getInputStream(), output, id);
            Thread err = reader(p.getErrorStream(), output, id);
            if (!p.waitFor(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS)) {
                throw new InstallException("the install script ran longer than allowed and was killed", null);
            }
            out.join();
            err.join();
            return p.exitValue();
        } catch (IOException e) {
            throw new InstallException("cannot run the install script: " + e.getMessage(), e);
        } catch (ServerDataDir.Unusable e) {
            throw new InstallException(e.getMessage(), e);
        } finally {
            if (p != null && p.isAlive()) {
                // setsid made the script the leader of its own process group: the whole group goes
                LibC.kill(-p.pid(), Signals.SIGKILL);
                p.destroyForcibly();
            }
            if (scriptDir != null) {
                deleteQuietly(scriptDir);
            }
        }
    }

    /** Scripts run as child processes of the daemon: none outlives the daemon's JVM by design, none to find. */
    @Override
    public List<UUID> removeLeftovers(Deadline deadline) {
        return List.of();
    }

    private Map<String, String> environment(InstallJob job, Path dataDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ProcessRuntime.DEFAULT_PATH);
        env.put("HOME", dataDir.toString());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.putAll(job.spec().effectiveEnvironment());
        return env;
    }

    /** {@code <tmp>/raptor-install-*} (0700, the server user's) holding the script (0600). */
    private Path scriptDir(InstallJob job) throws IOException {
        Path dir = Files.createTempDirectory("raptor-install-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path script = dir.resolve("install.sh");
        Files.writeString(script, job.script().script(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
        if (user.dropsPrivileges()) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user.name());
            Files.setOwner(script, owner);
            Files.setOwner(dir, owner);
        }
        return dir;
    }

    private static Thread reader(InputStream in, Consumer<String> output, UUID id) {
        return Thread.ofVirtual().name("install-output-" + id).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.accept(line);
                }
            } catch (IOException | UncheckedIOException e) {
                log.atDebug().addKeyValue("server", id).addKeyValue("error", e.toString()).log("install output ended");
            }
        });
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).addKeyValue("error", e.toString()).log("could not remove an install script");
        }
    }
}
