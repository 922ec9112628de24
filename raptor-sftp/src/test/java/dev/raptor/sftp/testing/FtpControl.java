package dev.raptor.sftp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An FTP control connection spoken by hand, as a client holds one open between commands: for tests that need what
 * curl cannot show (a session held while its user is deleted, a transfer cut off, the raw reply to a bad password).
 */
public final class FtpControl implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final OutputStream out;

    /** Connects to 127.0.0.1:{@code port} and reads the greeting (220); reads block at most {@code hang}. */
    public FtpControl(int port, Duration hang) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) hang.toMillis());
        socket.setSoTimeout((int) hang.toMillis());
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
        assertThat(reply()).startsWith("220");
    }

    /** USER then PASS; the last reply (230 when logged in). */
    public String login(String login, String password) throws IOException {
        assertThat(send("USER " + login)).startsWith("331");
        return send("PASS " + password);
    }

    /** Sends a command and answers the last line of its reply. */
    public String send(String command) throws IOException {
        write(command);
        return reply();
    }

    /** Sends a command without reading its reply (one that answers twice, e.g. STOR: 150, then 226 or an error). */
    public void write(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The last line of the next reply (multi-line replies end with "nnn "); null at the end of the stream. */
    public String reply() throws IOException {
        String line = in.readLine();
        while (line != null && !(line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' ')) {
            line = in.readLine();
        }
        return line;
    }

    /** Whether the server has closed the connection: a read answers its end (or a reset), not a timeout. */
    public boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
