package dev.raptor.core.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Image references as an engine reads them: {@code [registry[:port]/]path[:tag][@digest]}. A reference without a
 * tag or digest means {@code :latest}, and one without a registry means Docker Hub ({@code docker.io}, whose
 * one-word paths live under {@code library/}).
 */
public final class ImageReference {
    /** The same grammar {@link dev.raptor.core.server.ServerSpec} checks a spec's image against. */
    public static final Pattern PATTERN = Pattern.compile(
            "(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                    + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    private static final String HUB = "docker.io";

    private ImageReference() {
    }

    public static boolean isValid(String reference) {
        return reference != null && PATTERN.matcher(reference).matches();
    }

    /** {@code reference} with {@code :latest} when it names neither tag nor digest (what a pull fetches). */
    public static String withTag(String reference) {
        if (reference.contains("@")) {
            return reference;
        }
        int slash = reference.lastIndexOf('/');
        return reference.indexOf(':', slash + 1) >= 0 ? reference : reference + ":latest";
    }

    /** The canonical form, for comparing two references: registry, path and tag spelled out. */
    public static String normalize(String reference) {
        String r = withTag(reference);
        String registry = registryOf(r);
        String rest = r;
        if (registry.equals(HUB)) {
            if (r.startsWith(HUB + "/")) {
                rest = r.substring(HUB.length() + 1);
            } else if (r.startsWith("index.docker.io/")) {
                rest = r.substring("index.docker.io/".length());
            }
            int slash = rest.indexOf('/');
            int colon = rest.indexOf(':');
            if (slash < 0 || (colon >= 0 && colon < slash)) {
                rest = "library/" + rest;
            }
            return HUB + "/" + rest;
        }
        return r;
    }

    /**
     * The registry host ({@code host[:port]}) a reference pulls from: its first component when that has a dot or
     * a port or is {@code localhost}, else Docker Hub.
     */
    public static String registryOf(String reference) {
        int slash = reference.indexOf('/');
        if (slash < 0) {
            return HUB;
        }
        String first = reference.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            String host = first.toLowerCase(Locale.ROOT);
            return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? HUB : host;
        }
        return HUB;
    }
}
