package dev.raptor.api.tls;

import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serves a renewed certificate without a restart: every {@link TlsSettings#checkEvery} it looks at both PEM files
 * (following links, as certbot's {@code live/} names are links into {@code archive/}), and when either changed it
 * reads and checks the pair and swaps it into the running TLS connector (Jetty's {@link SslContextFactory#reload});
 * connections already open keep their session, new handshakes get the new certificate. A pair that does not load
 * (a renewal caught between writing the certificate and the key, a key that does not match) is logged and the
 * served certificate kept; it is tried again at the next change.
 */
public final class CertificateReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    private final TlsSettings settings;
    private final SslContextFactory.Server ssl;
    private final ScheduledExecutorService timer;
    private volatile List<Object> seen;
    private volatile PemIdentity served;

    private CertificateReloader(TlsSettings settings, SslContextFactory.Server ssl, PemIdentity served) {
        this.settings = settings;
        this.ssl = ssl;
        this.served = served;
        this.seen = stamps();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("raptor-tls-reload").factory());
    }

    /** Starts looking at the files of {@code served}, which {@code ssl} serves now. */
    public static CertificateReloader start(TlsSettings settings, SslContextFactory.Server ssl, PemIdentity served) {
        CertificateReloader r = new CertificateReloader(settings, ssl, served);
        long every = Math.max(1, settings.checkEvery().toMillis());
        r.timer.scheduleWithFixedDelay(r::check, every, every, TimeUnit.MILLISECONDS);
        return r;
    }

    /** The certificate served now. */
    public PemIdentity served() {
        return served;
    }

    /** Looks at the files once; reloads when they changed. */
    void check() {
        List<Object> now = stamps();
        if (Objects.equals(now, seen)) {
            return;
        }
        seen = now;
        PemIdentity fresh;
        try {
            fresh = PemIdentity.read(settings.certificate(), settings.privateKey());
        } catch (TlsFileException e) {
            log.atWarn().addKeyValue("certificate", settings.certificate()).addKeyValue("key", settings.privateKey())
                    .log("the TLS files changed but cannot be used ({}): still serving the certificate loaded before", e.getMessage());
            return;
        }
        try {
            ssl.reload(f -> TlsConnector.configure(f, fresh));
        } catch (Exception e) {
            log.atWarn().addKeyValue("certificate", settings.certificate())
                    .log("reloading the TLS certificate failed ({}): still serving the one loaded before", e.toString());
            return;
        }
        served = fresh;
        log.atInfo().addKeyValue("certificate", settings.certificate())
                .addKeyValue("serial", fresh.certificate().getSerialNumber().toString(16))
                .addKeyValue("notAfter", fresh.certificate().getNotAfter().toInstant())
                .log("serving the renewed TLS certificate");
    }

    /** What the files are now: identity, modification time and size of each (following links), or the failure. */
    private List<Object> stamps() {
        return List.of(stamp(settings.certificate()), stamp(settings.privateKey()));
    }

    private static Object stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** How often the files are looked at. */
    public Duration checkEvery() {
        return settings.checkEvery();
    }
}
