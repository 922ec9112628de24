package dev.raptor.api.problem;

import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's own error answers (a request it refused before Javalin saw it: an illegal URI, headers too
 * large, a malformed request line) as problem documents instead of HTML pages, so that every error a
 * client can get is {@code application/problem+json}.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    /** Every method but HEAD gets a problem body (Jetty's default is GET and POST only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return !"HEAD".equalsIgnoreCase(method);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        Problem problem = Problem.of(code, code == 400 ? "bad-request" : "http-" + code,
                org.eclipse.jetty.http.HttpStatus.getMessage(code), message);
        byte[] body = WireJson.writeBytes(problem);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
