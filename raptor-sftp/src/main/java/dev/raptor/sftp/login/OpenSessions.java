package dev.raptor.sftp.login;

import dev.raptor.files.FilesLocks;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.store.sftp.SftpUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open SFTP and FTP session, and the rule that ends them: a session lives only while its user exists as it
 * was when it logged in (the same user: deleted and created again is another), its server exists, and the server's
 * files are not locked. The store tells of every change to the users ({@link SftpUsers#onChange}: a user or a whole
 * server deleted), {@link FilesLocks} of every lock; each time, the sessions are checked again on a thread of their
 * own (the store calls back under its write lock) and those that may no longer live are closed at once.
 */
public final class OpenSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenSessions.class);

    /** Ends a session (closes its connection now); must not block for long. */
    @FunctionalInterface
    public interface Closer {
        void close(String reason);
    }

    public record Open(long id, Login login, Closer closer) {
    }

    private final SftpUsers users;
    private final FilesLocks locks;
    private final Map<Long, Open> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ExecutorService checker = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
            .name("file-transfer-sessions").factory());

    public OpenSessions(SftpUsers users, FilesLocks locks) {
        this.users = users;
        this.locks = locks;
        users.onChange(this::checkSoon);
        locks.onLocked(id -> checkSoon());
    }

    /** Tracks a session that just logged in; returns its id for {@link #ended}. Checked at once (a race with a delete). */
    public long opened(Login login, Closer closer) {
        long id = ids.incrementAndGet();
        open.put(id, new Open(id, login, closer));
        checkSoon();
        return id;
    }

    public void ended(long id) {
        open.remove(id);
    }

    /** Sessions open now (for tests and metrics). */
    public int count() {
        return open.size();
    }

    /** Sessions open now over one protocol (for metrics). */
    public int count(TransferProtocol protocol) {
        return (int) open.values().stream().filter(o -> o.login().protocol() == protocol).count();
    }

    /** Sessions open now of one server. */
    public long count(UUID serverId) {
        return open.values().stream().filter(o -> o.login().serverId().equals(serverId)).count();
    }

    private void checkSoon() {
        try {
            checker.execute(this::check);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void check() {
        for (Open o : open.values()) {
            String why = whyEnd(o.login());
            if (why != null && open.remove(o.id()) != null) {
                log.atInfo().addKeyValue("server", o.login().serverId()).addKeyValue("login", o.login().loginName())
                        .addKeyValue("protocol", o.login().protocol().label()).addKeyValue("reason", why).log("file-transfer session ended");
                try {
                    o.closer().close(why);
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("login", o.login().loginName()).addKeyValue("error", e.toString())
                            .log("could not close a file-transfer session");
                }
            }
        }
    }

    private String whyEnd(Login login) {
        SftpUser was = login.user();
        Optional<SftpUser> now = users.find(was.serverId(), was.username());
        if (now.isEmpty() || !now.get().createdAt().equals(was.createdAt())) {
            return "the user was deleted";
        }
        Optional<String> locked = locks.lockedBecause(was.serverId());
        return locked.map(r -> "the server's files are locked while " + r).orElse(null);
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
