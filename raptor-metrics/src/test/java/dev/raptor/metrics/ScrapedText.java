package dev.raptor.metrics;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** A scrape in the Prometheus text format, read the way a scraper reads it: sample lines of name, labels and value. */
record ScrapedText(String body) {

    /** The value of the first sample named {@code name} carrying every label in {@code labels}. */
    OptionalDouble value(String name, Map<String, String> labels) {
        for (String line : samples(name)) {
            if (labels.entrySet().stream().allMatch(e -> line.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                String v = line.substring(line.lastIndexOf(' ') + 1);
                return OptionalDouble.of(v.equals("NaN") ? Double.NaN : Double.parseDouble(v));
            }
        }
        return OptionalDouble.empty();
    }

    /** Sample lines (no comments) of the metric {@code name} exactly (not a longer name it prefixes). */
    List<String> samples(String name) {
        return body.lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    /** Sample lines mentioning {@code text} anywhere. */
    List<String> linesWith(String text) {
        return body.lines().filter(l -> !l.startsWith("#") && l.contains(text)).toList();
    }
}
