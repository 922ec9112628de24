package dev.raptor.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A plain-text table like docker prints: a header row, columns left-aligned and separated by three
 * spaces, no trailing blanks. Widths are measured on the plain text; a column's colour (chosen per
 * cell value, applied after padding) never shifts the columns.
 */
public final class Table {
    private static final String GAP = "   ";

    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final Map<Integer, Function<String, UnaryOperator<String>>> columnStyles = new HashMap<>();

    public Table(String... headers) {
        this.headers = headers.clone();
    }

    public Table row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c).toArray(String[]::new));
        return this;
    }

    /** Colours the cells of {@code column} by their value ({@code styleFor} may answer null: plain). */
    public Table styleColumn(int column, Function<String, UnaryOperator<String>> styleFor) {
        columnStyles.put(column, styleFor);
        return this;
    }

    public int size() {
        return rows.size();
    }

    /** The table as lines, each ending with a newline. */
    public String render() {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width, false);
        for (String[] r : rows) {
            line(sb, r, width, true);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] width, boolean styled) {
        int last = cells.length - 1;
        StringBuilder line = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            String cell = cells[i];
            String padding = i == last ? "" : " ".repeat(width[i] - cell.length());
            Function<String, UnaryOperator<String>> styleFor = styled ? columnStyles.get(i) : null;
            UnaryOperator<String> style = styleFor == null || cell.isEmpty() ? null : styleFor.apply(cell);
            line.append(style == null ? cell : style.apply(cell)).append(padding); // colour the text, not its padding
            if (i < last) {
                line.append(GAP);
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
