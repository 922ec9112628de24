package dev.raptor.sftp;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Apache MINA's own SFTP client, for what OpenSSH's {@code sftp} cannot show: status codes, several channels on
 * one connection at once.
 */
final class MinaClient implements AutoCloseable {
    private final SshClient client;
    final ClientSession session;

    MinaClient(int port, String login, String password) throws IOException {
        this(port, login, password, c -> {
        });
    }

    /** A client {@code configure}d before it starts (its window, its packet size...). */
    MinaClient(int port, String login, String password, Consumer<SshClient> configure) throws IOException {
        client = SshClient.setUpDefaultClient();
        configure.accept(client);
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        session = client.connect(login, "127.0.0.1", port).verify(Duration.ofSeconds(30)).getSession();
        session.addPasswordIdentity(password);
        session.auth().verify(Duration.ofSeconds(30));
    }

    /** A new SFTP channel speaking version 3, as OpenSSH does. */
    SftpClient sftpV3() throws IOException {
        return SftpClientFactory.instance().createSftpClient(session, org.apache.sshd.sftp.client.SftpVersionSelector.fixedVersionSelector(3));
    }

    /** A new SFTP channel on this connection (the highest version both sides speak). */
    SftpClient sftp() throws IOException {
        return SftpClientFactory.instance().createSftpClient(session);
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
        } finally {
            client.stop();
        }
    }
}
