package dev.raptor.core.limits;

import java.util.Locale;

/**
 * Named resource presets, so a panel can say "small" instead of eight numbers.
 *
 * <table>
 *   <caption>Tier values</caption>
 *   <tr><th>tier</th><th>memory</th><th>swap</th><th>cpu</th><th>disk</th><th>io weight</th><th>pids</th></tr>
 *   <tr><td>small</td><td>1 GiB</td><td>0</td><td>100% (1 core)</td><td>5 GiB</td><td>500</td><td>256</td></tr>
 *   <tr><td>medium</td><td>4 GiB</td><td>0</td><td>200% (2 cores)</td><td>20 GiB</td><td>500</td><td>512</td></tr>
 *   <tr><td>large</td><td>8 GiB</td><td>1 GiB</td><td>400% (4 cores)</td><td>50 GiB</td><td>750</td><td>1024</td></tr>
 * </table>
 * The OOM killer stays enabled in every tier and no cpuset is pinned.
 */
public enum Tier {
    SMALL(new Limits(1024, 0, 100, null, 5 * 1024, 500, 256, true)),
    MEDIUM(new Limits(4096, 0, 200, null, 20 * 1024, 500, 512, true)),
    LARGE(new Limits(8192, 1024, 400, null, 50 * 1024, 750, 1024, true));

    private final Limits limits;

    Tier(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code small}/{@code medium}/{@code large} in any case. */
    public static Tier parse(String text) {
        if (text != null) {
            for (Tier t : values()) {
                if (t.name().equalsIgnoreCase(text.trim())) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("tier must be one of small, medium, large (was '" + text + "')");
    }
}
