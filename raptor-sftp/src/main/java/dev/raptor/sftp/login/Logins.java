package dev.raptor.sftp.login;

import dev.raptor.files.FilesLocks;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.sftp.LoginCheck;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.store.sftp.SftpUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * Decides every SFTP and FTP login, the same way for both: the protocol's brute-force guard first ({@link LoginThrottle}),
 * then the login name ({@link LoginName}: the user of the server whose id starts with the short id), the
 * credential (a password against its hash, or a public key against the user's keys), the user's expiry, and
 * whether the server's files are locked ({@link FilesLocks}). A refusal tells the client nothing but "refused";
 * the log and the server's activity ({@code sftp.login-failed}, with the address and the reason) say why, and
 * a success is recorded as {@code sftp.login}. Unknown users cost the same time as wrong passwords. Thread-safe;
 * blocking (hashing, one store write): call it off the I/O threads.
 */
public final class Logins {
    private static final Logger log = LoggerFactory.getLogger(Logins.class);

    private final SftpUsers users;
    private final FilesLocks locks;
    private final LoginThrottle throttle;
    private final TransferActivity activity;
    private final Clock clock;

    public Logins(SqliteStore store, FilesLocks locks, LoginThrottle throttle, TransferActivity activity, Clock clock) {
        this.users = store.sftpUsers();
        this.locks = locks;
        this.throttle = throttle;
        this.activity = activity;
        this.clock = clock;
    }

    public LoginThrottleStats throttleStats() {
        return throttle;
    }

    public LoginOutcome authenticate(String loginName, String address, TransferProtocol protocol, Credential credential) {
        if (!throttle.allows(address, loginName, protocol)) {
            if (credential instanceof Credential.Password p) {
                users.checkPassword(null, null, p.value()); // same time as a checked attempt
            }
            log.atInfo().addKeyValue("login", loginName).addKeyValue("address", address).addKeyValue("protocol", protocol.label())
                    .addKeyValue("backoff", throttle.backoffLeft(address, loginName, protocol)).log("file-transfer login refused: backing off");
            return new LoginOutcome.Refused("backing off after too many failures");
        }
        Optional<SftpUser> found = LoginName.parse(loginName).flatMap(this::userOf);
        if (found.isEmpty()) {
            if (credential instanceof Credential.Password p) {
                users.checkPassword(null, null, p.value());
            }
            return refuse(null, loginName, address, protocol, "unknown login name");
        }
        SftpUser user = found.get();
        String why = switch (credential) {
            case Credential.Password p -> switch (users.checkPassword(user.serverId(), user.username(), p.value())) {
                case LoginCheck.Accepted a -> null;
                case LoginCheck.Refused r -> switch (r.reason()) {
                    case UNKNOWN_USER -> "unknown login name";
                    case WRONG_PASSWORD -> "wrong password";
                    case NO_PASSWORD -> "the user logs in with a key only";
                    case EXPIRED -> "the user expired at " + user.expiresAt();
                };
            };
            case Credential.PublicKey k -> !k.matches().test(user.publicKeys()) ? "public key " + k.fingerprint() + " is not the user's"
                    : user.isExpired(clock.instant()) ? "the user expired at " + user.expiresAt() : null;
        };
        if (why == null) {
            Optional<String> locked = locks.lockedBecause(user.serverId());
            if (locked.isPresent()) {
                why = "the server's files are locked while " + locked.get();
            }
        }
        if (why != null) {
            return refuse(user, loginName, address, protocol, why);
        }
        String method = credential instanceof Credential.PublicKey k ? "key " + k.fingerprint() : "password";
        return new LoginOutcome.Accepted(loggedIn(user, loginName, address, protocol, method));
    }

    /**
     * Whether {@code loginName} may log in with a public key it offers (SSH asks before the client proves it holds
     * the key, and again after): the user's keys include it, the user has not expired, the files are not locked,
     * the address and name are not backing off. Records nothing; {@link #loggedIn} records the login once SSH has
     * verified the signature. A key that does not match is not a failure (clients offer every key they have).
     */
    public Optional<SftpUser> keyHolder(String loginName, String address, Credential.PublicKey key) {
        if (!throttle.allows(address, loginName, TransferProtocol.SFTP)) {
            return Optional.empty();
        }
        return LoginName.parse(loginName).flatMap(this::userOf)
                .filter(u -> key.matches().test(u.publicKeys()))
                .filter(u -> !u.isExpired(clock.instant()))
                .filter(u -> !locks.isLocked(u.serverId()));
    }

    /** Records a login that succeeded (log, activity, the guard's counters) and returns it. */
    public Login loggedIn(SftpUser user, String loginName, String address, TransferProtocol protocol, String method) {
        throttle.succeeded(address, loginName, protocol);
        Login login = new Login(user, protocol, address, clock.instant());
        log.atInfo().addKeyValue("server", user.serverId()).addKeyValue("login", loginName).addKeyValue("address", address)
                .addKeyValue("protocol", protocol.label()).addKeyValue("method", method).log("file-transfer login");
        activity.record(user.serverId(), "login", user.username() + " logged in over " + protocol
                + " from " + address, TransferActivity.details(user.username(), protocol.label(), address, "method", method));
        return login;
    }

    private LoginOutcome refuse(SftpUser user, String loginName, String address, TransferProtocol protocol, String why) {
        throttle.failed(address, loginName, protocol);
        log.atWarn().addKeyValue("server", user == null ? null : user.serverId()).addKeyValue("login", loginName)
                .addKeyValue("address", address).addKeyValue("protocol", protocol.label()).addKeyValue("reason", why)
                .log("file-transfer login refused");
        if (user != null) {
            activity.record(user.serverId(), "login-failed", "a login as " + user.username() + " over "
                            + protocol + " from " + address + " was refused: " + why,
                    TransferActivity.details(user.username(), protocol.label(), address, "reason", why));
        }
        return new LoginOutcome.Refused(why);
    }

    /**
     * The user a login name names: of the server whose id starts with the short id. Two servers sharing a short id
     * (one in four billion) may not both have the username; the older user wins.
     */
    private Optional<SftpUser> userOf(LoginName name) {
        return users.all().stream()
                .filter(u -> u.username().equals(name.username()) && SftpUser.shortId(u.serverId()).equals(name.shortId()))
                .min(java.util.Comparator.comparing(SftpUser::createdAt));
    }
}
