package dev.raptor.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.messaging.Delivery;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.messaging.MessagingException;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import dev.raptor.wire.socketio.MessageAck;
import io.javalin.http.Context;

import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /servers/{id}/messages}: the body, any JSON document, goes as one line to the server's program
 * on its message socket; answered 200 once the program acknowledged it, 503 when it did not in time (or
 * too many wait), 409 when the server has no message socket.
 */
public final class MessageRoutes {
    private final MessageSockets messages;
    private final ApiSettings settings;

    public MessageRoutes(MessageSockets messages, ApiSettings settings) {
        this.messages = messages;
        this.settings = settings;
    }

    public void send(Context ctx) {
        UUID id = Query.serverId(ctx);
        JsonNode body = JsonBody.node(ctx, Math.min(settings.maxBodyBytes(), messages.settings().maxLineBytes()), JsonBody.JSON, false);
        Delivery d;
        try {
            d = messages.send(id, WireJson.write(body)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof MessagingException m) {
                throw problem(m);
            }
            throw e;
        }
        Responses.json(ctx, 200, new MessageAck(id.toString(), true, d.id(), d.waited().toMillis(), d.at()));
    }

    private static ProblemException problem(MessagingException m) {
        Problem p = switch (m.reason()) {
            case NOT_ENABLED -> Problem.of(409, "messaging-off", "No message socket", m.getMessage());
            case QUEUE_FULL -> Problem.of(503, "message-queue-full", "Message queue full", m.getMessage());
            case TIMEOUT -> Problem.of(503, "message-timeout", "Message not delivered", m.getMessage());
            case INVALID -> Problem.of(400, "invalid-message", "Invalid message", m.getMessage());
            case CLOSED -> Problem.of(503, "message-socket-closed", "Message socket closed", m.getMessage());
        };
        return new ProblemException(p.withServerId(m.serverId()));
    }
}
