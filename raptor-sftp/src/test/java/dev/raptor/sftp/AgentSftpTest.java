package dev.raptor.sftp;

import dev.raptor.core.sftp.SftpPermission;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoute;
import dev.raptor.sftp.ssh.AgentSftpServer;
import dev.raptor.sftp.testing.FtpControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SFTP for servers whose files are on a node agent, with OpenSSH's own {@code sftp} against the manager: the login
 * is decided on the manager (its store, its guard, its activity log), the channel's bytes are piped to the agent's
 * SFTP link ({@link AgentSftpServer}, on loopback here, over a volumes directory of its own), and everything the user
 * does happens in the agent's volume, under the same jail, permissions and rules as on the manager's disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentSftpTest {
    private static final String KEY = "agent-key-for-the-sftp-link-tests-0123456789";
    private static final String NODE = "worker-2";

    private Path tmp;
    private Path work;
    private ServerVolumes agentVolumes;
    private AgentSftpServer agent;
    private Fixture f;
    /** Servers placed on the agent's node, and the route each takes (a test may point one elsewhere). */
    private final Map<UUID, AgentRoute> placed = new ConcurrentHashMap<>();
    /** Servers whose placement cannot be looked up (an engine that does not answer). */
    private final Set<UUID> unplaceable = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        work = Files.createDirectories(tmp.resolve("work"));
        agentVolumes = new ServerVolumes(Files.createDirectories(tmp.resolve("agent-volumes")), UsageSettings.defaults());
        agent = new AgentSftpServer(new InetSocketAddress("127.0.0.1", 0), agentVolumes, AgentLinkKeys.of(KEY));
        agent.start();
        f = new Fixture(Files.createDirectories(tmp.resolve("manager")), id -> {
            if (unplaceable.contains(id)) {
                throw new IOException("the swarm's manager does not answer");
            }
            return Optional.ofNullable(placed.get(id));
        }, AgentLinkKeys.of(KEY));
    }

    @AfterAll
    void stop() throws IOException {
        try {
            f.close();
        } finally {
            try {
                agent.close();
            } finally {
                agentVolumes.close();
            }
        }
    }

    /** A server placed on the agent's node: its files in the agent's volumes, none on the manager's disk. */
    private UUID serverOnAgent(String name, List<String> deny, List<String> readOnly) throws IOException {
        UUID id = f.server(name);
        Files.delete(f.root(id)); // the manager's copy of the volume path stays absent: the files are on the node
        Files.createDirectories(agentVolumes.root(id));
        placed.put(id, new AgentRoute(NODE, agent.address(), 0, deny, readOnly));
        return id;
    }

    private OpenSsh.Result sftp(String login, String batch) throws Exception {
        return OpenSsh.sftpWithPassword(f.port(), login, Fixture.PASSWORD, batch, work);
    }

    @Test
    void putGetLsRenameAndRmWorkOnTheAgentsVolume() throws Exception {
        UUID s = serverOnAgent("on-agent", List.of(), List.of());
        Path root = agentVolumes.root(s);
        Files.writeString(root.resolve("server.properties"), "motd=on the worker");
        Files.writeString(root.resolve("old.log"), "old");
        Path upload = Files.writeString(work.resolve("plugin.jar"), "a plugin's bytes");
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result r = sftp(login, """
                ls -1
                put plugin.jar
                mkdir plugins
                rename plugin.jar plugins/plugin.jar
                rm old.log
                get server.properties fetched.properties
                ls -1 plugins
                """);

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.lines()).contains("server.properties", "old.log", "plugins/plugin.jar");
        assertThat(root.resolve("plugins/plugin.jar")).hasContent("a plugin's bytes");
        assertThat(root.resolve("old.log")).doesNotExist();
        assertThat(root.resolve("plugin.jar")).doesNotExist();
        assertThat(work.resolve("fetched.properties")).hasContent("motd=on the worker");
        assertThat(f.root(s)).as("nothing on the manager's own disk").doesNotExist();
    }

    @Test
    void theAgentsChangesLandInTheManagersActivityLogWithTheNode() throws Exception {
        UUID s = serverOnAgent("activity", List.of(), List.of());
        Files.writeString(work.resolve("world.zip"), "zip");
        String login = f.user(s, "builder").loginName();

        OpenSsh.Result r = sftp(login, "put world.zip\nmkdir backups\n");

        assertThat(r.exit()).as(r.output()).isZero();
        await().untilAsserted(() -> assertThat(f.store.activity(s, Long.MAX_VALUE, 20))
                .filteredOn(a -> a.type().equals("sftp.upload") || a.type().equals("sftp.mkdir"))
                .hasSize(2)
                .allSatisfy(a -> {
                    assertThat(a.details()).containsEntry("node", NODE).containsEntry("username", "builder");
                    assertThat(a.details()).containsKey("address");
                }));
        assertThat(f.store.activity(s, Long.MAX_VALUE, 20)).extracting(a -> a.type()).contains("sftp.login");
    }

    @Test
    void aUserWithoutWriteCannotWriteOnTheAgent() throws Exception {
        UUID s = serverOnAgent("read-only-user", List.of(), List.of());
        Path root = agentVolumes.root(s);
        Files.writeString(root.resolve("readme.txt"), "read me");
        Files.writeString(work.resolve("intruder.txt"), "nope");
        String login = f.user(s, "viewer", List.of(), Set.of(SftpPermission.READ), null, true).loginName();

        OpenSsh.Result put = sftp(login, "put intruder.txt\n");
        OpenSsh.Result mkdir = sftp(login, "mkdir evil\n");
        OpenSsh.Result get = sftp(login, "get readme.txt viewer-readme.txt\n");

        assertThat(put.exit()).as(put.output()).isNotZero();
        assertThat(put.output()).contains("Permission denied");
        assertThat(mkdir.exit()).as(mkdir.output()).isNotZero();
        assertThat(root.resolve("intruder.txt")).doesNotExist();
        assertThat(root.resolve("evil")).doesNotExist();
        assertThat(get.exit()).as(get.output()).isZero();
        assertThat(work.resolve("viewer-readme.txt")).hasContent("read me");
    }

    @Test
    void aPathOutOfTheJailAndADeniedFileAreRefusedOnTheAgent() throws Exception {
        UUID s = serverOnAgent("jailed", List.of("secret.txt"), List.of());
        Path root = agentVolumes.root(s);
        Files.writeString(root.resolve("secret.txt"), "the rcon password");
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("host.txt"), "the host's file");
        Files.createSymbolicLink(root.resolve("escape"), outside.getParent());
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result viaLink = sftp(login, "get escape/host.txt stolen.txt\n");
        OpenSsh.Result upAndOut = sftp(login, "get ../../outside/host.txt stolen2.txt\n");
        OpenSsh.Result denied = sftp(login, "get secret.txt stolen3.txt\n");
        OpenSsh.Result putThrough = sftp(login, "put " + outside + " escape/planted.txt\n");

        assertThat(viaLink.exit()).as(viaLink.output()).isNotZero();
        assertThat(upAndOut.exit()).as(upAndOut.output()).isNotZero();
        assertThat(denied.exit()).as(denied.output()).isNotZero();
        assertThat(putThrough.exit()).as(putThrough.output()).isNotZero();
        assertThat(work.resolve("stolen.txt")).doesNotExist();
        assertThat(work.resolve("stolen2.txt")).doesNotExist();
        assertThat(work.resolve("stolen3.txt")).doesNotExist();
        assertThat(outside.resolveSibling("planted.txt")).doesNotExist();
    }

    @Test
    void anUnreachableAgentFailsTheSessionAtOnceSayingWhy() throws Exception {
        UUID s = f.server("agent-down");
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort(); // nothing listens there once this is closed
        }
        placed.put(s, new AgentRoute(NODE, new InetSocketAddress("127.0.0.1", closed), 0, List.of(), List.of()));
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result r = sftp(login, "ls\n");

        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("node " + NODE).contains("cannot be reached");
    }

    @Test
    void aServerWhosePlacementCannotBeToldFailsItsSessionSayingWhy() throws Exception {
        UUID s = f.server("unplaceable");
        Files.writeString(f.root(s).resolve("manager-copy.txt"), "the manager's copy is not shown instead");
        unplaceable.add(s);
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result r = sftp(login, "ls -1\n");

        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("cannot be told now").contains("the swarm's manager does not answer")
                .doesNotContain("manager-copy.txt");
    }

    @Test
    void anAgentHoldingAnotherKeyIsNotTalkedTo() throws Exception {
        Path otherDir = Files.createDirectories(tmp.resolve("impostor-volumes"));
        try (ServerVolumes other = new ServerVolumes(otherDir, UsageSettings.defaults());
             AgentSftpServer impostor = new AgentSftpServer(new InetSocketAddress("127.0.0.1", 0), other,
                     AgentLinkKeys.of("another-key-that-is-not-the-managers-0123456789"))) {
            impostor.start();
            UUID s = f.server("impostor");
            placed.put(s, new AgentRoute(NODE, impostor.address(), 0, List.of(), List.of()));
            String login = f.user(s, "admin").loginName();

            OpenSsh.Result r = sftp(login, "ls\n");

            assertThat(r.exit()).as(r.output()).isNotZero();
            assertThat(r.output()).contains("cannot be reached");
            assertThat(other.root(s)).doesNotExist();
        }
    }

    @Test
    void ftpDoesNotReachAnAgentsFilesAndSaysSoRatherThanShowingAnEmptyDirectory() throws Exception {
        UUID s = serverOnAgent("ftp-on-agent", List.of(), List.of());
        Files.writeString(agentVolumes.root(s).resolve("world.dat"), "w");
        String login = f.user(s, "admin").loginName();

        try (FtpControl ftp = new FtpControl(f.ftpPort(), java.time.Duration.ofSeconds(30))) {
            String loggedIn = ftp.login(login, Fixture.PASSWORD);
            String next = loggedIn.startsWith("421") ? loggedIn : ftp.reply();

            assertThat(next).startsWith("421").contains("node " + NODE).contains("use SFTP");
            assertThat(ftp.closedByServer()).isTrue();
        }
        assertThat(f.store.activity(s, Long.MAX_VALUE, 20)).filteredOn(a -> a.type().equals("sftp.login-failed"))
                .anySatisfy(a -> assertThat(a.details()).containsEntry("node", NODE).containsEntry("protocol", "ftp"));
    }
}
