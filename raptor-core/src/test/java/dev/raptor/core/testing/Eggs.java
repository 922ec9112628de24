package dev.raptor.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The egg fixtures (core's test resources, {@code eggs/}), written from the public PTDL format with small
 * busybox install scripts: every module's template and install tests read the same three.
 */
public final class Eggs {
    /** PTDL_v2 as Pterodactyl exports it: config as JSON strings, pipe rules; variables MOTD, MAX_PLAYERS, GAME_MODE, LEVEL_SEED, INSTALL_DELAY. */
    public static final String BUSYBOX_CRAFT = "egg-busybox-craft.json";
    /** PTDL_v1: a list of images, ^C stop, a list of ready lines, the JVM preset in its startup; SERVER_JARFILE, BUILD_NUMBER. */
    public static final String TIMBERLAND_JAVA = "egg-timberland-java.json";
    /** Pelican PTDL_v2: list rules, an object config, a regex: ready line; WORLD_NAME, PACK_URL, FAIL_INSTALL, VIEW_DISTANCE. */
    public static final String VOXEL_SURVIVAL = "egg-voxel-survival.json";

    public static final List<String> ALL = List.of(BUSYBOX_CRAFT, TIMBERLAND_JAVA, VOXEL_SURVIVAL);

    private Eggs() {
    }

    /** The egg's JSON text. */
    public static String text(String name) {
        try (InputStream in = Eggs.class.getClassLoader().getResourceAsStream("eggs/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no egg fixture eggs/" + name + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
