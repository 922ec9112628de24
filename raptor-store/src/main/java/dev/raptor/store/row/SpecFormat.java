package dev.raptor.store.row;

/**
 * Which form the text in a server row's {@code spec} column has, as its {@code spec_format} column
 * says. Reading knows every format; writing always uses {@link #CURRENT}. A new format comes with a
 * migration that rewrites the rows (see {@link SpecRowsV4}).
 */
public enum SpecFormat {
    /**
     * Schemas 1 to 3: the spec as the HTTP API spelled it then (the API's canonical spec JSON, with its
     * decimal seconds and defaults). Read by {@link SpecRowV1}; rows the V4 migration could not convert
     * stay in it.
     */
    V1(1),
    /** Schema 4 on: the store's own {@link SpecRow}, before specs named a game query. */
    V2(2),
    /**
     * {@link SpecRow} with its {@code query} member (the game query, null for none). A V2 row is a V3 row
     * without it, so V2 rows are read as they are and become V3 when next written; a Raptor that knows
     * only V2 refuses a V3 row by its number instead of failing on the unknown member.
     */
    V3(3),
    /**
     * {@link SpecRow} with its {@code settle} member too. A V2 or V3 row is a V4 row without it (read as the
     * default), so they need no migration and become V4 when next written; a Raptor that knows only V3
     * refuses a V4 row by its number instead of failing on the unknown member.
     */
    V4(4),
    /**
     * {@link SpecRow} with its {@code messaging} member too (whether the server has a message socket). An older row
     * is a V5 row without it (false), read as it is; a Raptor that knows only V4 refuses a V5 row by its number.
     */
    V5(5),
    /**
     * {@link SpecRow} with its {@code networks} member and {@code restart.onUnhealthy} too. A V2 to V5 row is a V6
     * row without them (no network, no restart when unhealthy), so they are read as they are and become V6 when
     * next written; a Raptor that knows only V5 refuses a V6 row by its number instead of dropping its networks.
     */
    V6(6),
    /**
     * {@link SpecRow} with its {@code backups} member too (schedule, retention, ignore patterns, console commands). An
     * older row is a V7 row without it (no schedule, the node's retention), read as it is; a Raptor that knows only V6
     * refuses a V7 row by its number instead of dropping the server's backup schedule.
     */
    V7(7),
    /**
     * {@link SpecRow} with its {@code fileRules} member too (null for none). A V2 to V7 row is a V8 row without the
     * members it lacks, so they are read as they are and become V8 when next written; a Raptor that knows only V7
     * refuses a V8 row by its number instead of dropping its file rules.
     */
    V8(8),
    /**
     * {@link SpecRow} with its {@code node} member too (the node the server must run on, null for the runtime's choice).
     * A V2 to V8 row is a V9 row without it, so they are read as they are and become V9 when next written; a Raptor
     * that knows only V8 refuses a V9 row by its number instead of dropping the node a server is pinned to.
     */
    V9(9);

    public static final SpecFormat CURRENT = V9;

    private final int number;

    SpecFormat(int number) {
        this.number = number;
    }

    /** The {@code spec_format} column's value. */
    public int number() {
        return number;
    }

    /** @throws IllegalArgumentException for a number no format has (a row a newer Raptor wrote) */
    public static SpecFormat of(int number) {
        for (SpecFormat f : values()) {
            if (f.number == number) {
                return f;
            }
        }
        throw new IllegalArgumentException("spec format " + number + " is unknown to this Raptor");
    }
}
