package dev.raptor.metrics;

/**
 * One scrape's body and its content type, as negotiated from the scraper's {@code Accept} header:
 * OpenMetrics 1.0 when it is asked for (Prometheus asks for it first), otherwise the Prometheus text
 * format 0.0.4.
 */
public record Exposition(String contentType, String body) {
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** The content type to answer {@code accept} with. */
    public static String negotiate(String accept) {
        if (accept == null) {
            return PROMETHEUS_TEXT;
        }
        for (String part : accept.split(",")) {
            String type = part.strip();
            int semi = type.indexOf(';');
            String mediaType = (semi < 0 ? type : type.substring(0, semi)).strip();
            if (mediaType.equalsIgnoreCase("application/openmetrics-text") && !refused(type)) {
                return OPENMETRICS;
            }
        }
        return PROMETHEUS_TEXT;
    }

    /** {@code q=0} means "not this one". */
    private static boolean refused(String type) {
        for (String param : type.split(";")) {
            String p = param.strip().replace(" ", "");
            if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
                return true;
            }
        }
        return false;
    }
}
