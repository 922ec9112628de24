package dev.raptor.bench;

import java.util.Locale;

/**
 * One line of the results table: a figure measured by a scenario, the reference measured in the same
 * run, their ratio and the goal it is read against.
 *
 * @param scenario  the harness command that measured it
 * @param figure    what was measured (e.g. "create+start+stop+remove, median")
 * @param value     the measured figure, with its unit
 * @param reference the same-run reference, with its unit; "-" when the goal is absolute
 * @param ratio     value / reference ("1.07x"); "-" when there is no reference
 * @param goal      the goal for it, "-" for context figures
 * @param verdict   "met", "MISSED" or "-" (context only)
 */
public record Result(String scenario, String figure, String value, String reference, String ratio, String goal,
                     String verdict) {

    public static Result context(String scenario, String figure, String value, String reference, String ratio) {
        return new Result(scenario, figure, value, reference, ratio, "-", "-");
    }

    public static Result notMeasured(String scenario, String figure, String why) {
        return new Result(scenario, figure, "not measured yet", "-", "-", "-", why);
    }

    public static String ratio(double value, double reference) {
        return reference <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", value / reference);
    }

    public static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** The header of the Markdown table in README.md. */
    public static final String MARKDOWN_HEADER = "| date | machine | load at start | scenario | figure | value | reference (same run) | ratio | goal | verdict |\n"
            + "|---|---|---|---|---|---|---|---|---|---|";

    /** A row of the Markdown table in README.md. */
    public String markdownRow(String date, String machine, String load) {
        return "| " + String.join(" | ", date, machine, load, scenario, figure, value, reference, ratio, goal, verdict) + " |";
    }
}
