package dev.raptor.api.servers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.console.LogFollow;
import dev.raptor.api.http.JsonBody;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Responses;
import dev.raptor.core.console.ConsoleCommand;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.activity.ActivityPage;
import dev.raptor.wire.console.CommandRequest;
import dev.raptor.wire.console.LogLineDocument;
import dev.raptor.wire.console.LogsDocument;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.stats.StatsDocument;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** A server's console and history: commands, recent logs, a stats reading, the activity log. */
public final class ConsoleRoutes {
    public static final int MAX_TAIL = 10_000;

    private final ServerFleet fleet;
    private final ApiSettings settings;
    private final ConsoleHub consoles;
    private final StatsHub statsHub;
    private final LogFollow follow;
    private final GameStatuses games;

    public ConsoleRoutes(ServerFleet fleet, ApiSettings settings, ConsoleHub consoles, StatsHub statsHub, LogFollow follow,
                         GameStatuses games) {
        this.games = games;
        this.fleet = fleet;
        this.settings = settings;
        this.consoles = consoles;
        this.statsHub = statsHub;
        this.follow = follow;
    }

    /** {@code {"command": "say hi"}} to the server's stdin; 204, or 409 when it is offline. */
    public void command(Context ctx) {
        UUID id = Query.serverId(ctx);
        ObjectNode body = JsonBody.object(ctx, settings.maxBodyBytes(), JsonBody.JSON, true);
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(body, "", problems);
        String command = r.text("command");
        if (command != null || !r.has("command")) { // a member of the wrong type is already named by the reader
            ConsoleCommand.problems(command).forEach(m -> r.error("command", m));
        }
        r.rejectUnknown(CommandRequest.FIELDS, Set.of());
        problems.throwIfAny();
        fleet.sendCommand(id, command);
        ctx.status(204);
    }

    /**
     * The last {@code tail} lines (default 100), as {@code {"lines": [{"at", "stream", "text"}]}}, or as
     * plain text when the client asks for {@code text/plain}.
     */
    public void logs(Context ctx) throws java.io.IOException {
        UUID id = Query.serverId(ctx);
        int tail = Query.integer(ctx, "tail", 100, 0, MAX_TAIL);
        if (Query.bool(ctx, "follow").orElse(false)) {
            fleet.controller(id); // 404 before the stream starts
            follow.stream(ctx, id, tail); // chunked text/plain until the client leaves
            return;
        }
        List<LogLine> lines = consoles.tail(id, tail); // the hub's buffer while watched, else the engine
        if (prefersText(ctx)) {
            StringBuilder text = new StringBuilder();
            lines.forEach(l -> text.append(l.text()).append('\n'));
            ctx.status(200).contentType("text/plain; charset=utf-8").result(text.toString());
            return;
        }
        List<LogLineDocument> out = new ArrayList<>(lines.size());
        for (LogLine l : lines) {
            out.add(new LogLineDocument(l.at(), l.stream().name().toLowerCase(Locale.ROOT), l.text()));
        }
        Responses.json(ctx, 200, new LogsDocument(id, out));
    }

    /** One reading: memory, CPU, network, processes, disk; zeros and {@code "running": false} when offline. */
    public void stats(Context ctx) {
        UUID id = Query.serverId(ctx);
        ServerStats s = statsHub.snapshot(id); // the watched server's latest, else one engine reading; disk from the cache
        Responses.json(ctx, 200, new StatsDocument(id, s.state().wireName(), s.sampled(), s.at(), s.memoryBytes(),
                s.memoryLimitBytes(), s.cpuAbsolute(), new StatsDocument.Network(s.rxBytes(), s.txBytes()), s.pids(),
                s.uptimeMillis() / 1000, s.diskBytes(),
                fleet.find(id).map(snapshot -> ServerDocuments.game(snapshot.stored().spec(), games)).orElse(null)));
    }

    /** Newest first, {@code limit} (1–1000, default 50) entries older than {@code before}; {@code next} links the next page. */
    public void activity(Context ctx) {
        UUID id = Query.serverId(ctx);
        long before = Query.longValue(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        int limit = Query.integer(ctx, "limit", 50, 1, 1000);
        fleet.controller(id); // 404 for an unknown (or deleted) server
        List<ActivityEntry> entries = fleet.store().activity(id, before, limit);
        List<ActivityEntryDocument> out = new ArrayList<>(entries.size());
        for (ActivityEntry e : entries) {
            out.add(new ActivityEntryDocument(e.id(), e.at(), e.type(), e.message(), e.details()));
        }
        String next = entries.size() == limit && !entries.isEmpty()
                ? ServerRoutes.PATH + id + "/activity?before=" + entries.getLast().id() + "&limit=" + limit
                : null;
        Responses.json(ctx, 200, new ActivityPage(out, next));
    }

    private static boolean prefersText(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
    }
}
