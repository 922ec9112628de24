package dev.raptor.api.tls;

/** The certificate or key files cannot be used; the message names the file(s) and what is wrong. */
public final class TlsFileException extends Exception {
    public TlsFileException(String message) {
        super(message, null, false, false);
    }

    public TlsFileException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
