package dev.raptor.sftp.ftp;

import dev.raptor.sftp.login.Login;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.AuthorizationRequest;
import org.apache.ftpserver.ftplet.User;

import java.util.List;

/**
 * A logged-in FTP user as FtpServer sees it. Every FtpServer authorization is granted: what the user may do is
 * decided per operation by its {@link dev.raptor.sftp.volume.UserVolume} (permissions, rules, quota), the same as
 * over SFTP.
 */
record FtpUser(Login login) implements User {
    @Override
    public String getName() {
        return login.loginName();
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public List<? extends Authority> getAuthorities() {
        return List.of();
    }

    @Override
    public List<? extends Authority> getAuthorities(Class<? extends Authority> clazz) {
        return List.of();
    }

    @Override
    public AuthorizationRequest authorize(AuthorizationRequest request) {
        return request;
    }

    @Override
    public int getMaxIdleTime() {
        return 0;
    }

    @Override
    public boolean getEnabled() {
        return true;
    }

    @Override
    public String getHomeDirectory() {
        return "/";
    }
}
