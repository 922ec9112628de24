package dev.raptor.store.row;

import dev.raptor.core.server.ServerSpec;

/** The {@code spec} column's text, written in the {@linkplain SpecFormat#CURRENT current format} and read in any. */
public final class SpecRows {
    private SpecRows() {
    }

    /** The text a row stores for {@code spec} ({@link SpecFormat#CURRENT}). */
    public static String write(ServerSpec spec) {
        return RowJson.write(SpecRow.of(spec));
    }

    /**
     * The spec that {@code text} in {@code format} holds.
     *
     * @throws IllegalArgumentException saying why this Raptor cannot read it
     */
    public static ServerSpec read(String text, SpecFormat format) {
        return switch (format) {
            case V1 -> SpecRowV1.read(text);
            case V2, V3, V4, V5, V6, V7, V8, V9 -> RowJson.read(text, SpecRow.class).toSpec();
        };
    }
}
