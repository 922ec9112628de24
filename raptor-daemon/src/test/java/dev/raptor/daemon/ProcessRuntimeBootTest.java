package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * raptord as the README starts it on a machine without Docker: as root, on the process runtime, over a data
 * directory it makes itself. Its servers run as the unprivileged server user, which reaches its own volume and
 * nothing else of the data directory. Runs as root, as CI does (a root daemon is what drops privileges).
 */
class ProcessRuntimeBootTest {
    /** A server that probes what it may reach, says so on its console, then idles. */
    private static final String PROBE = String.join("; ",
            "id -u > uid.txt && echo own-volume-writable",
            "ls .. > /dev/null 2>&1 || echo volumes-unlisted",
            "ls ../.. > /dev/null 2>&1 || echo data-dir-unlisted",
            "cat ../../raptor.db > /dev/null 2>&1 || echo database-refused",
            "cat ../../api-key > /dev/null 2>&1 || echo api-key-refused",
            "cat ../../token-secret > /dev/null 2>&1 || echo token-secret-refused",
            "ls ../../process > /dev/null 2>&1 || echo records-refused",
            "(: > ../../planted) 2> /dev/null || echo data-dir-unwritable",
            "echo Done!",
            "exec sleep 600");
    private static final List<String> REFUSALS = List.of("own-volume-writable", "volumes-unlisted", "data-dir-unlisted", "database-refused",
            "api-key-refused", "token-secret-refused", "records-refused", "data-dir-unwritable");

    @TempDir
    Path tmp;
    final List<DaemonProcess> daemons = new ArrayList<>();
    final String key = ApiKey.generate();

    @BeforeEach
    void asRoot() throws IOException {
        if (!RaptordMain.isRoot()) {
            fail("this test needs root, as CI runs it: only a root daemon runs servers as another user");
        }
        // JUnit makes its directory 0700; a data directory lives under one all may pass, like /var/lib.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stopDaemons() {
        for (DaemonProcess d : daemons) {
            if (d.isAlive()) {
                deleteEveryServer(d);
            }
            d.close();
        }
    }

    private DaemonProcess boot(Path data, String name) {
        return boot(data, name, Map.of());
    }

    private DaemonProcess boot(Path data, String name, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("RAPTOR_DATA_DIR", data.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.putIfAbsent("RAPTOR_SFTP_ADDR", "127.0.0.1:0"); // never the shared default port 2022
        env.put("RAPTOR_API_KEY", key);
        env.put("RAPTOR_RUNTIME", "process");
        DaemonProcess d = TestDaemon.launch(tmp, name, env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        return d;
    }

    private static String create(DaemonProcess d) {
        ServerDocument created = d.client().servers().create(new ServerSpecDocument(null, "probe", null, PROBE, null, null, null,
                null, null, null, null, null, null, "Done!", null, null, null));
        return created.spec().id().toString();
    }

    private static OperationDocument start(DaemonProcess d, String id) {
        return d.client().server(id).start();
    }

    /** The server's last 100 lines of output. */
    private static String console(DaemonProcess d, String id) {
        StringBuilder text = new StringBuilder();
        for (LogLineDocument line : d.client().server(id).logs(100).lines()) {
            text.append(line.text()).append('\n');
        }
        return text.toString();
    }

    private static void deleteEveryServer(DaemonProcess d) {
        try {
            for (ServerDocument s : d.client().servers().list().servers()) {
                d.client().server(s.spec().id()).delete(true);
            }
        } catch (RaptorException e) {
            // the test failed already; its daemon goes now
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void onADataDirectoryItMakesItselfAServerRunsAndReachesOnlyItsOwnVolume() throws Exception {
        Path data = tmp.resolve("var-lib/raptor-daemon"); // neither exists yet
        DaemonProcess d = boot(data, "fresh");

        String id = create(d);
        OperationDocument started = start(d, id);

        assertThat(started.status()).as(started.toString()).isEqualTo("done");
        assertThat(started.state()).isEqualTo("running");
        assertThat(console(d, id).lines().toList()).as("what the server could reach").containsAll(REFUSALS);
        Path volume = data.resolve("volumes").resolve(id);
        int serverUid = Integer.parseInt(Files.readString(volume.resolve("uid.txt")).strip());
        assertThat(serverUid).as("the server does not run as root").isNotZero();
        assertThat(owner(volume)).as("the volume is the server user's").isEqualTo(serverUid);
        assertThat(mode(volume)).isEqualTo("rwx------");
        assertThat(mode(tmp.resolve("var-lib"))).isEqualTo("rwx--x--x");
        assertThat(mode(data)).isEqualTo("rwx--x--x");
        assertThat(mode(data.resolve("volumes"))).isEqualTo("rwx--x--x");
        for (String secret : List.of("raptor.db", "raptor.db-wal", "raptor.db-shm", "raptor.lock", "token-secret")) {
            assertThat(mode(data.resolve(secret))).as(secret).isEqualTo("rw-------");
            assertThat(owner(data.resolve(secret))).as(secret).isZero();
        }
        assertThat(mode(data.resolve("process"))).isEqualTo("rwx------");
        assertThat(mode(data.resolve("raptor.sock"))).isEqualTo("rw-rw----");
        assertThat(data.resolve("planted")).doesNotExist();
    }

    @Test
    void aDataDirectoryLaidOutByAnEarlierVersionIsFixedAtBootWithoutOpeningItsFiles() throws Exception {
        Path data = tmp.resolve("data");
        DaemonProcess first = boot(data, "before");
        String id = create(first);
        assertThat(first.terminate(Duration.ofSeconds(60))).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);
        // the modes an earlier raptord left: a 0750 directory around files made with the usual umask
        Path volume = Files.createDirectories(data.resolve("volumes").resolve(id));
        for (Path p : List.of(data.resolve("raptor.db"), data.resolve("raptor.lock"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        for (Path p : List.of(volume, data.resolve("volumes"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));

        DaemonProcess second = boot(data, "after");
        OperationDocument started = start(second, id);

        assertThat(started.status()).as(started.toString()).isEqualTo("done");
        assertThat(console(second, id).lines().toList()).containsAll(REFUSALS);
        assertThat(mode(data)).isEqualTo("rwx--x--x");
        assertThat(mode(data.resolve("raptor.db"))).isEqualTo("rw-r-----");
        assertThat(mode(data.resolve("raptor.lock"))).isEqualTo("rw-r-----");
        assertThat(mode(data.resolve("token-secret"))).isEqualTo("rw-------");
        assertThat(mode(data.resolve("volumes"))).isEqualTo("rwx--x--x");
        assertThat(mode(volume)).isEqualTo("rwx------");
        assertThat(second.output()).contains("data directory: closed " + data.resolve("raptor.db") + " to other users (0644 -> 0640)")
                .contains("data directory: set the mode of " + data + " from 0750 to 0711");
    }

    @Test
    void theServerUserSettingRunsServersAsThatAccountMadeWhenMissing() throws Exception {
        String account = "raptor-test-other"; // a fixed name: made by the first run on a host, found by the later ones
        Path data = tmp.resolve("data");
        DaemonProcess d = boot(data, "other-user", Map.of("RAPTOR_SERVER_USER", account));

        String id = create(d);
        OperationDocument started = start(d, id);

        assertThat(started.status()).as(started.toString()).isEqualTo("done");
        int uid = Integer.parseInt(run("id", "-u", account).strip());
        assertThat(Files.readString(data.resolve("volumes").resolve(id).resolve("uid.txt")).strip()).isEqualTo(String.valueOf(uid));
        assertThat(d.output()).containsPattern("  host:     servers run as the host account " + account + " \\(uid " + uid
                + ", gid \\d+\\), (a system account created just now \\(useradd --system\\)|an existing account) "
                + "\\(choose another with serverUser / RAPTOR_SERVER_USER\\)");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void aDataDirectoryTheServerUserCannotReachIsSaidAtBoot() throws Exception {
        Path closed = Files.createDirectory(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path data = closed.resolve("data");
        DaemonProcess d = boot(data, "unreachable");

        assertThat(d.output()).contains("WARNING:  the server user raptor-server cannot reach the servers' data directories in "
                + data.resolve("volumes") + ": " + closed + " does not let it pass (mode 700)");
        String id = create(d);
        OperationDocument started = start(d, id);
        assertThat(started.status()).isEqualTo("failed");
        assertThat(started.reason()).contains(closed + " does not let it pass");
    }
}
