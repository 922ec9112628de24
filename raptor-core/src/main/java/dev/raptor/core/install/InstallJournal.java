package dev.raptor.core.install;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where a server's install script and the outcome of its installs are kept durably (the store implements it). */
public interface InstallJournal {

    /** Keeps {@code script} as the server's install script (replacing an earlier one); its status is kept. */
    void define(UUID serverId, String templateId, InstallScript script);

    Optional<InstallRecord> find(UUID serverId);

    /** Every server with an install record. */
    List<InstallRecord> list();

    /** An install starts: written before its helper does, so a crash leaves {@code installing} for the next boot. */
    void started(UUID serverId, Instant at);

    /** An install ended. */
    void finished(UUID serverId, InstallStatus status, String reason, Instant at);
}
