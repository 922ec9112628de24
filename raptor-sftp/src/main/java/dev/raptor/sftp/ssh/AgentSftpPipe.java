package dev.raptor.sftp.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.sftp.agent.AgentRoute;
import dev.raptor.sftp.agent.AgentSftpSession;
import dev.raptor.sftp.login.Login;
import dev.raptor.sftp.volume.TransferActivity;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The manager's {@code sftp} subsystem for a user whose server's files are on a node agent: after the login was decided
 * here, the channel's bytes are piped as they are to an {@code sftp} channel of the agent ({@link AgentSftpServer}),
 * and the agent's answers back, so the SFTP protocol itself runs on the node that has the files. A straight byte pipe:
 * no SFTP request is parsed or copied whole here, and each direction is bounded by the SSH windows on both sides.
 *
 * <p>Three virtual threads: the user's bytes to the agent, the agent's bytes to the user, and the agent's activity
 * entries (its stderr) into the server's activity log here. Either side's end ends both. An agent that cannot be
 * reached (or refuses the link's key) ends the channel at once with the reason on the user's stderr and in the log.
 */
final class AgentSftpPipe implements Command {
    private static final Logger log = LoggerFactory.getLogger(AgentSftpPipe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;

    private final AgentSftpClient client;
    private final AgentRoute route;
    private final Login login;
    private final TransferActivity activity;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile ClientSession agent;
    private volatile boolean destroyed;

    AgentSftpPipe(AgentSftpClient client, AgentRoute route, Login login, TransferActivity activity) {
        this.client = client;
        this.route = route;
        this.login = login;
        this.activity = activity;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread.ofVirtual().name("sftp-agent-pipe-" + login.serverId()).start(this::run);
    }

    private void run() {
        ChannelSubsystem ch;
        try {
            agent = client.connect(route);
            if (destroyed) {
                agent.close(true);
                return;
            }
            ch = agent.createSubsystemChannel("sftp");
            ch.setEnv(AgentSftpSession.ENV, new AgentSftpSession(login.serverId(), login.user().username(),
                    login.user().permissions(), login.address(), route.quotaBytes(), route.deny(), route.readOnly()).encode());
            ch.open().verify(AgentSftpClient.OPEN);
        } catch (IOException | RuntimeException e) {
            fail(AgentSftpClient.describe(e));
            return;
        }
        log.atInfo().addKeyValue("server", login.serverId()).addKeyValue("login", login.loginName()).addKeyValue("node", route.node())
                .addKeyValue("agent", route.address()).log("SFTP channel piped to the node's agent");
        OutputStream toAgent = ch.getInvertedIn();
        InputStream fromAgent = ch.getInvertedOut();
        InputStream agentErr = ch.getInvertedErr();
        Thread up = Thread.ofVirtual().name("sftp-agent-up-" + login.serverId()).start(() -> {
            try (toAgent) {
                copy(in, toAgent);
            } catch (IOException e) {
                log.atDebug().addKeyValue("server", login.serverId()).log("user to agent ended: {}", e.toString());
            }
        });
        Thread entries = Thread.ofVirtual().name("sftp-agent-activity-" + login.serverId()).start(() -> activity(agentErr));
        int code = 0;
        try {
            copy(fromAgent, out);
        } catch (IOException e) {
            if (!destroyed) {
                log.atWarn().addKeyValue("server", login.serverId()).addKeyValue("node", route.node())
                        .log("SFTP link to the node's agent broke: {}", e.toString());
                code = 1;
            }
        }
        try {
            entries.join(java.time.Duration.ofSeconds(5)); // the entries of the last changes, before the channel ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        up.interrupt();
        agent.close(false);
        exit.onExit(code);
    }

    /** Copies until the end, flushing whenever nothing more is waiting (a request or an answer is sent whole, at once). */
    private static void copy(InputStream from, OutputStream to) throws IOException {
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = from.read(buf)) >= 0) {
            to.write(buf, 0, n);
            if (from.available() <= 0) {
                to.flush();
            }
        }
        to.flush();
    }

    private void activity(InputStream agentErr) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(agentErr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    JsonNode e = JSON.readTree(line);
                    Map<String, String> details = new LinkedHashMap<>();
                    e.path("details").properties().forEach(p -> details.put(p.getKey(), p.getValue().asText()));
                    details.put("node", route.node());
                    String type = e.path("type").asText();
                    // the agent's TransferActivity wrote the full type; this one adds the prefix again
                    activity.record(login.serverId(), type.startsWith("sftp.") ? type.substring(5) : type,
                            e.path("message").asText(), details);
                } catch (IOException | RuntimeException ex) {
                    log.atWarn().addKeyValue("server", login.serverId()).addKeyValue("node", route.node())
                            .log("an activity line from the node's agent could not be read: {}", ex.toString());
                }
            }
        } catch (IOException e) {
            log.atDebug().addKeyValue("server", login.serverId()).log("agent activity stream ended: {}", e.toString());
        }
    }

    private void fail(String why) {
        String message = "raptor: the files of this server are on node " + route.node() + ", whose agent at "
                + route.address().getHostString() + ":" + route.address().getPort() + " cannot be reached: " + why;
        log.atWarn().addKeyValue("server", login.serverId()).addKeyValue("login", login.loginName()).addKeyValue("node", route.node())
                .addKeyValue("agent", route.address()).log("SFTP channel refused: {}", message);
        try {
            err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            log.atDebug().log("could not tell the user: {}", e.toString());
        }
        ClientSession a = agent;
        if (a != null) {
            a.close(true);
        }
        exit.onExit(1, message);
    }

    /** A channel that cannot be served: {@code message} on its stderr, then its end. */
    static Command refused(String message) {
        return new Command() {
            private OutputStream err;
            private ExitCallback exit;

            @Override
            public void setExitCallback(ExitCallback callback) {
                this.exit = callback;
            }

            @Override
            public void setErrorStream(OutputStream err) {
                this.err = err;
            }

            @Override
            public void setInputStream(InputStream in) {
            }

            @Override
            public void setOutputStream(OutputStream out) {
            }

            @Override
            public void start(ChannelSession channel, Environment env) {
                Thread.ofVirtual().name("sftp-refused").start(() -> {
                    try {
                        err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
                        err.flush();
                    } catch (IOException e) {
                        log.atDebug().log("could not tell the user: {}", e.toString());
                    }
                    exit.onExit(1, message);
                });
            }

            @Override
            public void destroy(ChannelSession channel) {
            }
        };
    }

    @Override
    public void destroy(ChannelSession channel) {
        destroyed = true;
        ClientSession a = agent;
        if (a != null) {
            a.close(true);
        }
    }
}
