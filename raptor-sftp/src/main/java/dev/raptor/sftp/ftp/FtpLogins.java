package dev.raptor.sftp.ftp;

import dev.raptor.sftp.login.Credential;
import dev.raptor.sftp.login.LoginOutcome;
import dev.raptor.sftp.login.Logins;
import dev.raptor.sftp.login.TransferProtocol;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * FtpServer's user manager, answered by {@link Logins} (the same users, guard, activity and refusals as SFTP).
 * Users are managed through Raptor, never through FTP: the write methods refuse.
 */
final class FtpLogins implements UserManager {
    private final Logins logins;

    FtpLogins(Logins logins) {
        this.logins = logins;
    }

    @Override
    public User authenticate(Authentication authentication) throws AuthenticationFailedException {
        if (!(authentication instanceof UsernamePasswordAuthentication up) || up.getPassword() == null) {
            throw new AuthenticationFailedException("a login name and password are required");
        }
        InetAddress from = up.getUserMetadata() == null ? null : up.getUserMetadata().getInetAddress();
        char[] password = up.getPassword().toCharArray();
        try {
            LoginOutcome o = logins.authenticate(up.getUsername(), from == null ? "unknown" : from.getHostAddress(), TransferProtocol.FTP,
                    new Credential.Password(password));
            if (o instanceof LoginOutcome.Accepted a) {
                return new FtpUser(a.login());
            }
            throw new AuthenticationFailedException("login refused");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public User getUserByName(String username) {
        return null;
    }

    @Override
    public String[] getAllUserNames() {
        return new String[0];
    }

    @Override
    public void delete(String username) {
        throw new UnsupportedOperationException("FTP users are managed through Raptor");
    }

    @Override
    public void save(User user) {
        throw new UnsupportedOperationException("FTP users are managed through Raptor");
    }

    @Override
    public boolean doesExist(String username) {
        return false;
    }

    @Override
    public String getAdminName() {
        return null;
    }

    @Override
    public boolean isAdmin(String username) {
        return false;
    }
}
