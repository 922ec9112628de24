package dev.raptor.core.network;

import dev.raptor.core.allocation.IpLiteral;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.Problems;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A network to make: a bridge on this node that servers join by name ({@link NetworkAttachment}). Valid by
 * construction (every bad field named in one {@link dev.raptor.core.validation.InvalidSpecException}).
 *
 * @param name     its name, unique on the engine
 * @param subnet   its IPv4 subnet in CIDR notation ({@code 10.42.0.0/24}); null = one the engine chooses
 * @param internal whether it is cut off from the outside: its servers reach each other and nothing else (and
 *                 publish no ports through it)
 * @param labels   operator labels (keys under {@code dev.raptor.} are Raptor's)
 */
public record NetworkSpec(String name, String subnet, boolean internal, Map<String, String> labels) {
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");

    public NetworkSpec {
        Problems p = new Problems();
        p.check(name != null && NetworkAttachment.NAME.matcher(name).matches(), "name",
                "is required: 1-64 of letters, digits, _ . - starting with a letter or digit (was '" + name + "')");
        p.check(name == null || !(name.equals("host") || name.equals("none") || name.equals("bridge")), "name",
                "'" + name + "' is the engine's own network");
        if (subnet != null && subnet.isBlank()) {
            subnet = null;
        }
        p.check(subnet == null || isCidr(subnet), "subnet", "must be an IPv4 subnet such as 10.42.0.0/24 (was '" + subnet + "')");
        TreeMap<String, String> l = new TreeMap<>();
        if (labels != null) {
            labels.forEach((k, v) -> {
                p.check(k != null && LABEL_KEY.matcher(k).matches(), "labels." + k, "keys are 1-128 of letters, digits and . _ / -");
                p.check(k == null || !k.startsWith(ServerSpec.RESERVED_LABEL_PREFIX), "labels." + k,
                        "keys under " + ServerSpec.RESERVED_LABEL_PREFIX + " are reserved for Raptor");
                p.check(v != null && v.length() <= 1024, "labels." + k, "values are strings of at most 1024 characters");
                if (k != null && v != null) {
                    l.put(k, v);
                }
            });
        }
        labels = Collections.unmodifiableSortedMap(l);
        p.throwIfAny();
    }

    private static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        try {
            int bits = Integer.parseInt(s.substring(slash + 1));
            return IpLiteral.isValid(ip) && !ip.contains(":") && bits >= 8 && bits <= 30;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
