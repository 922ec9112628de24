package dev.raptor.api.tls;

import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The first thing on the API's TLS port: Jetty's detector hands a connection that starts with a TLS handshake to
 * TLS; anything else (a plain HTTP request, typically {@code http://} where {@code https://} was meant) gets one
 * 400 problem saying to use HTTPS, and the connection is closed. Without it a plain client would see the TLS layer
 * drop its garbage with no word. Nothing is redirected: the client already sent its request, credentials included,
 * in the clear, and following a redirect would hide that mistake rather than stop it.
 */
final class PlainHttpRefusal extends DetectorConnectionFactory {
    private static final byte[] ANSWER;

    static {
        byte[] body = WireJson.write(Problem.of(400, "https-required", "HTTPS required",
                "this port speaks HTTPS only: send the request to https:// (a plain HTTP request, and anything in it, "
                        + "crossed the network unencrypted)")).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: " + Problem.MEDIA_TYPE + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        ANSWER = new byte[h.length + body.length];
        System.arraycopy(h, 0, ANSWER, 0, h.length);
        System.arraycopy(body, 0, ANSWER, h.length, body.length);
    }

    PlainHttpRefusal(SslConnectionFactory tls) {
        super(tls);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.write(Callback.from(endPoint::close, x -> endPoint.close()), ByteBuffer.wrap(ANSWER));
    }
}
