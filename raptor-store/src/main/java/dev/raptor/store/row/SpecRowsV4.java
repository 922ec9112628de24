package dev.raptor.store.row;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The row step of schema 4: rewrites every server row from the API's spec JSON ({@link SpecFormat#V1})
 * into the store's own {@link SpecRow} ({@link SpecFormat#CURRENT}), in the migration's transaction. A row
 * that does not read as V1 is left as it is, in V1, and logged: losing it would be worse than a row
 * the daemon reports as unreadable (as it did before), which an operator can still export and fix.
 */
public final class SpecRowsV4 {
    private static final Logger log = LoggerFactory.getLogger(SpecRowsV4.class);

    private SpecRowsV4() {
    }

    /** Rewrites the V1 rows; returns how many were converted. */
    public static int rewrite(Connection c) throws SQLException {
        record Old(String id, String text) {
        }
        List<Old> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM servers WHERE spec_format = ?")) {
            ps.setInt(1, SpecFormat.V1.number());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Old(rs.getString(1), rs.getString(2)));
                }
            }
        }
        int converted = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET spec = ?, spec_format = ? WHERE id = ?")) {
            for (Old row : rows) {
                String text;
                try {
                    text = SpecRows.write(SpecRowV1.read(row.text()));
                } catch (IllegalArgumentException e) {
                    log.atWarn().addKeyValue("server", row.id()).addKeyValue("error", e.getMessage())
                            .log("a stored spec does not read as the old format; its row stays as it was");
                    continue;
                }
                ps.setString(1, text);
                ps.setInt(2, SpecFormat.CURRENT.number());
                ps.setString(3, row.id());
                ps.executeUpdate();
                converted++;
            }
        }
        return converted;
    }
}
