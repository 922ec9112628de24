package dev.raptor.backup.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an update source answers: the latest version (or the one asked for) and where its pack is, with the pack's
 * size and SHA-256, which the download must match before anything is stopped.
 *
 * @param pack the pack's address, resolved against the manifest's (a relative {@code url} is allowed)
 */
public record UpdateManifest(String version, URI pack, String sha256, long size) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

    /** Reads a manifest document; every missing or bad member is named in one {@link UpdateException.BadManifest}. */
    static UpdateManifest parse(URI from, byte[] body) throws UpdateException.BadManifest {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new UpdateException.BadManifest(from, "it is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new UpdateException.BadManifest(from, "it is not a JSON object");
        }
        List<String> problems = new ArrayList<>();
        String version = n.path("version").isTextual() || n.path("version").isNumber() ? n.path("version").asText() : null;
        if (version == null || !VERSION.matcher(version).matches()) {
            problems.add("version: must be a version name (letters, digits, . _ + -, at most 100)");
        }
        String url = n.path("url").isTextual() ? n.path("url").asText() : null;
        URI pack = null;
        if (url == null || url.isBlank()) {
            problems.add("url: is required");
        } else {
            try {
                pack = from.resolve(url);
                if (!List.of("http", "https", "file").contains(String.valueOf(pack.getScheme()))) {
                    problems.add("url: must be http, https or file (was '" + url + "')");
                }
            } catch (IllegalArgumentException e) {
                problems.add("url: is not an address (" + e.getMessage() + ")");
            }
        }
        String sha = n.path("sha256").isTextual() ? n.path("sha256").asText().toLowerCase(java.util.Locale.ROOT) : null;
        if (sha == null || !SHA256.matcher(sha).matches()) {
            problems.add("sha256: must be 64 hexadecimal digits");
        }
        long size = n.path("size").canConvertToLong() && n.path("size").isIntegralNumber() ? n.path("size").asLong() : -1;
        if (size < 0) {
            problems.add("size: must be the pack's size in bytes");
        }
        if (!problems.isEmpty()) {
            throw new UpdateException.BadManifest(from, String.join("; ", problems));
        }
        return new UpdateManifest(version, pack, sha, size);
    }
}
