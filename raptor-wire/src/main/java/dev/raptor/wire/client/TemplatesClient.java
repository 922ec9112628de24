package dev.raptor.wire.client;

import dev.raptor.wire.template.TemplateDocument;
import dev.raptor.wire.template.TemplateList;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The node's templates ({@code /templates}), made by {@link RaptorClient#templates()}: import a Pterodactyl/Pelican
 * egg, list, read, delete. Node API key (or the Unix socket) only.
 */
public final class TemplatesClient {
    private static final String PATH = "/templates";
    private final RaptorClient client;

    TemplatesClient(RaptorClient client) {
        this.client = client;
    }

    /**
     * {@code POST /templates}: imports an egg's JSON as it is (PTDL_v1 or PTDL_v2). A bad egg is a 400 problem naming
     * its fields; an id taken a 409 ({@code template-exists}) unless {@code replace}.
     *
     * @param id the template's id (null: from the egg's name)
     */
    public TemplateDocument importEgg(byte[] egg, String id, boolean replace) {
        DaemonHttp http = client.http();
        StringBuilder q = new StringBuilder();
        if (id != null) {
            q.append("?id=").append(DaemonHttp.segment(id));
        }
        if (replace) {
            q.append(q.isEmpty() ? "?" : "&").append("replace=true");
        }
        return http.json(http.request(HttpMethod.POST, PATH + q).body(new BytesRequestContent("application/json", egg)),
                TemplateDocument.class, null);
    }

    /** {@code GET /templates}. */
    public TemplateList list() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, PATH), TemplateList.class, null);
    }

    /** {@code GET /templates/{id}}. */
    public TemplateDocument get(String id) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, PATH + "/" + DaemonHttp.segment(id)), TemplateDocument.class, null);
    }

    /** {@code DELETE /templates/{id}}: servers made from it keep what they got. */
    public void delete(String id) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, PATH + "/" + DaemonHttp.segment(id)), null);
    }
}
