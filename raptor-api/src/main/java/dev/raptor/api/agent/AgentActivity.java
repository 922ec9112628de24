package dev.raptor.api.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An activity entry a node agent wrote while answering a request (a file written, a directory made...), handed back to
 * the manager in the answer's header {@link #HEADER} so that it lands in the server's activity log there, as it would
 * for files on the manager's own disk. The manager takes the header off before the answer goes on.
 *
 * @param type    {@code files.write}, {@code files.mkdir}...
 * @param message the entry's message, with who made the change
 * @param details its facts ({@code by}, {@code path}, ...)
 */
public record AgentActivity(String type, String message, Map<String, String> details) {
    public static final String HEADER = "X-Raptor-Activity";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<AgentActivity>> LIST = new TypeReference<>() {
    };

    public AgentActivity {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static String encode(List<AgentActivity> entries) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(entries));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write activity entries", e);
        }
    }

    /** @throws IllegalArgumentException when the value is not one {@link #encode} made */
    public static List<AgentActivity> decode(String header) {
        try {
            return JSON.readValue(new String(Base64.getUrlDecoder().decode(header.strip()), StandardCharsets.UTF_8), LIST);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(HEADER + " is not a list of activity entries: " + e.getMessage());
        }
    }
}
