package dev.raptor.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.raptor.docker.RegistryCredential;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry logins pulls use ({@code registryAuth}), read from a file in the format {@code docker login} writes
 * ({@code ~/.docker/config.json}): {@code {"auths": {"HOST": {"auth": base64("user:password")}}}}, or
 * {@code {"username": …, "password": …}} in place of {@code auth}. A file is used rather than settings so that the
 * secrets stay out of the configuration file and the environment, and so that a login made with the docker CLI can be
 * pointed at as it is. Credential helpers ({@code credsStore}, {@code credHelpers}) are not run: a host listed without
 * a login is a problem, named. Docker Hub's key ({@code https://index.docker.io/v1/}) counts as {@code docker.io}.
 */
final class RegistryAuthFile {
    private static final String HUB_KEY = "index.docker.io";

    private RegistryAuthFile() {
    }

    /** The logins by registry host; problems (naming {@code setting} and the file) go to {@code problems}. */
    static Map<String, RegistryCredential> read(Path file, String setting, List<String> problems) {
        Map<String, RegistryCredential> out = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            problems.add(setting + ": " + file + " is not valid JSON: " + e.getOriginalMessage());
            return out;
        } catch (IOException e) {
            problems.add(setting + ": " + file + " cannot be read: " + e.getMessage());
            return out;
        }
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            problems.add(setting + ": " + file + " has no \"auths\" object (the format of docker login's config.json)");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : auths.properties()) {
            String host = host(e.getKey());
            JsonNode entry = e.getValue();
            String user = text(entry, "username");
            String password = text(entry, "password");
            String auth = text(entry, "auth");
            if (auth != null) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException bad) {
                    decoded = "";
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    problems.add(setting + ": " + file + ": the auth of " + e.getKey() + " is not base64 of user:password");
                    continue;
                }
                user = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
            if (user == null || password == null) {
                problems.add(setting + ": " + file + ": " + e.getKey()
                        + " has no login (auth, or username and password); credential helpers are not run");
                continue;
            }
            out.put(host, new RegistryCredential(user, password));
        }
        return out;
    }

    /** {@code https://host:port/v1/} or {@code host:port}, as {@link dev.raptor.core.image.ImageReference#registryOf} names it. */
    static String host(String key) {
        String k = key.strip();
        if (k.contains("://")) {
            URI uri = URI.create(k);
            k = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } else if (k.contains("/")) {
            k = k.substring(0, k.indexOf('/'));
        }
        k = k.toLowerCase(Locale.ROOT);
        return k.equals(HUB_KEY) || k.equals("registry-1.docker.io") ? "docker.io" : k;
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }
}
