package dev.raptor.core.archive;

/** The kinds of document an import accepts; told apart by shape, never by file name. */
public enum ImportFormat {
    /** An object written by a Raptor state export: {@code {"format": "raptor-state", "servers": [...]}}. */
    RAPTOR_EXPORT,
    /** The earlier Rust daemon's {@code containers.json}: a JSON array of container objects. */
    LEGACY_CONTAINERS,
    /**
     * The earlier Rust daemon's {@code ftp_credentials.json}: an object with {@code credentials}, its FTP logins keyed
     * by container id; they become SFTP/FTP users of the servers those containers became.
     */
    LEGACY_FTP_CREDENTIALS
}
