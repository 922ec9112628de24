package dev.raptor.core.template;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An egg variable's rules, the Laravel validation rules panels write ({@code required|string|max:20}), checked
 * the way Laravel checks them: {@code required} (present and not empty), {@code nullable} (empty is fine),
 * {@code string}, {@code integer}, {@code numeric}, {@code boolean} ({@code 0 1 true false}), {@code min:n},
 * {@code max:n} and {@code between:a,b} (a number's value when {@code integer} or {@code numeric} is among the
 * rules, otherwise a text's length in characters), {@code in:a,b,c}, {@code regex:/pattern/flags} (found
 * anywhere in the value, as PHP's {@code preg_match} does), {@code alpha_dash} and {@code url}. As in Laravel,
 * an empty value that is not {@code required} passes every other rule.
 *
 * <p>A rule Raptor does not know is refused when the template is imported ({@link #parse} throws), rather than
 * silently left unchecked.
 *
 * @param rules the rules as the egg wrote them, one per element
 */
public record VariableRules(List<String> rules) {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern ALPHA_DASH = Pattern.compile("[\\p{L}\\p{M}\\p{N}_-]+");
    private static final List<String> KNOWN = List.of("required", "nullable", "string", "integer", "numeric", "boolean",
            "min", "max", "between", "in", "regex", "alpha_dash", "url");

    public VariableRules {
        rules = rules == null ? List.of() : List.copyOf(rules);
        for (String r : rules) {
            check(r); // fails on a rule that cannot be checked
        }
    }

    public static final VariableRules NONE = new VariableRules(List.of());

    /**
     * The rules of {@code text}, Laravel's pipe form ({@code required|regex:/^[a-z|]+$/}): a {@code |} inside a
     * {@code regex:} pattern stays in the pattern.
     *
     * @throws IllegalArgumentException naming every rule Raptor does not know or cannot read
     */
    public static VariableRules parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<String> out = new ArrayList<>();
        String[] parts = text.split("\\|", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.strip().startsWith("regex:")) {
                // the pattern runs to its closing delimiter: join pieces until it is there
                while (!regexComplete(part.strip().substring("regex:".length())) && i + 1 < parts.length) {
                    part = part + "|" + parts[++i];
                }
            }
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return of(out);
    }

    /**
     * The rules of a list (Pelican's array form).
     *
     * @throws IllegalArgumentException naming every rule Raptor does not know or cannot read
     */
    public static VariableRules of(List<String> list) {
        List<String> problems = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String r : list) {
            if (r == null || r.isBlank()) {
                continue;
            }
            try {
                check(r.strip());
                kept.add(r.strip());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new VariableRules(kept);
    }

    /** The rules in Laravel's pipe form. */
    public String text() {
        return String.join("|", rules);
    }

    public boolean required() {
        return rules.stream().anyMatch(r -> name(r).equals("required"));
    }

    /**
     * What is wrong with {@code value} (null = not given), in words; empty when it passes.
     */
    public List<String> problems(String value) {
        List<String> out = new ArrayList<>();
        boolean empty = value == null || value.isEmpty();
        if (empty) {
            if (required()) {
                out.add("is required");
            }
            return out;
        }
        boolean numeric = rules.stream().map(VariableRules::name).anyMatch(n -> n.equals("integer") || n.equals("numeric"));
        for (String r : rules) {
            String arg = argument(r);
            switch (name(r)) {
                case "required", "nullable", "string" -> {
                }
                case "integer" -> {
                    if (!INTEGER.matcher(value).matches()) {
                        out.add("must be an integer (was '" + value + "')");
                    }
                }
                case "numeric" -> {
                    if (number(value) == null) {
                        out.add("must be a number (was '" + value + "')");
                    }
                }
                case "boolean" -> {
                    if (!List.of("0", "1", "true", "false").contains(value.toLowerCase(Locale.ROOT))) {
                        out.add("must be a boolean: 0, 1, true or false (was '" + value + "')");
                    }
                }
                case "min" -> size(value, numeric, out, new BigDecimal(arg), null);
                case "max" -> size(value, numeric, out, null, new BigDecimal(arg));
                case "between" -> {
                    String[] ab = arg.split(",");
                    size(value, numeric, out, new BigDecimal(ab[0].strip()), new BigDecimal(ab[1].strip()));
                }
                case "in" -> {
                    List<String> allowed = Arrays.stream(arg.split(",")).map(String::strip).toList();
                    if (!allowed.contains(value)) {
                        out.add("must be one of " + String.join(", ", allowed) + " (was '" + value + "')");
                    }
                }
                case "regex" -> {
                    if (!regex(arg).matcher(value).find()) {
                        out.add("must match " + arg + " (was '" + value + "')");
                    }
                }
                case "alpha_dash" -> {
                    if (!ALPHA_DASH.matcher(value).matches()) {
                        out.add("may contain only letters, digits, - and _ (was '" + value + "')");
                    }
                }
                case "url" -> {
                    if (!url(value)) {
                        out.add("must be a URL such as https://example.com/pack.zip (was '" + value + "')");
                    }
                }
                default -> throw new IllegalStateException("unchecked rule " + r); // parse refused it
            }
        }
        return out;
    }

    private static void size(String value, boolean numeric, List<String> out, BigDecimal min, BigDecimal max) {
        if (numeric) {
            BigDecimal n = number(value);
            if (n == null) {
                return; // integer/numeric reported it
            }
            if (min != null && n.compareTo(min) < 0) {
                out.add("must be at least " + min.toPlainString() + " (was " + value + ")");
            }
            if (max != null && n.compareTo(max) > 0) {
                out.add("must be at most " + max.toPlainString() + " (was " + value + ")");
            }
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (min != null && length < min.intValue()) {
            out.add("must be at least " + min.toPlainString() + " characters (was " + length + ")");
        }
        if (max != null && length > max.intValue()) {
            out.add("must be at most " + max.toPlainString() + " characters (was " + length + ")");
        }
    }

    private static BigDecimal number(String value) {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean url(String value) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return List.of("http", "https", "ftp", "ftps", "file").contains(scheme) && (scheme.equals("file") || u.getHost() != null);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String name(String rule) {
        int colon = rule.indexOf(':');
        return (colon < 0 ? rule : rule.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String argument(String rule) {
        int colon = rule.indexOf(':');
        return colon < 0 ? "" : rule.substring(colon + 1);
    }

    /** Throws naming what is wrong with one rule. */
    private static void check(String rule) {
        String name = name(rule);
        String arg = argument(rule);
        if (!KNOWN.contains(name)) {
            throw new IllegalArgumentException("rule '" + rule + "' is not one Raptor checks (" + String.join(", ", KNOWN) + ")");
        }
        try {
            switch (name) {
                case "min", "max" -> new BigDecimal(arg.strip());
                case "between" -> {
                    String[] ab = arg.split(",");
                    if (ab.length != 2) {
                        throw new IllegalArgumentException("between needs two numbers");
                    }
                    new BigDecimal(ab[0].strip());
                    new BigDecimal(ab[1].strip());
                }
                case "in" -> {
                    if (arg.isBlank()) {
                        throw new IllegalArgumentException("in needs values");
                    }
                }
                case "regex" -> regex(arg);
                default -> {
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rule '" + rule + "' needs a number");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + rule + "' cannot be read: " + e.getMessage());
        }
    }

    private static boolean regexComplete(String arg) {
        String a = arg.strip();
        if (a.length() < 2) {
            return false;
        }
        char delimiter = a.charAt(0);
        int end = a.lastIndexOf(delimiter);
        return end > 0 && a.substring(end + 1).chars().allMatch(Character::isLetter);
    }

    /** A PHP (PCRE) pattern {@code /body/flags} as a Java pattern. */
    static Pattern regex(String arg) {
        String a = arg.strip();
        if (!regexComplete(a)) {
            throw new IllegalArgumentException("a regex is written /pattern/flags");
        }
        char delimiter = a.charAt(0);
        int end = a.lastIndexOf(delimiter);
        String body = a.substring(1, end);
        int flags = 0;
        for (char f : a.substring(end + 1).toCharArray()) {
            flags |= switch (f) {
                case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                case 'm' -> Pattern.MULTILINE;
                case 's' -> Pattern.DOTALL;
                case 'x' -> Pattern.COMMENTS;
                case 'u' -> Pattern.UNICODE_CHARACTER_CLASS;
                default -> throw new IllegalArgumentException("unknown regex flag '" + f + "'");
            };
        }
        try {
            return Pattern.compile(body, flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription());
        }
    }
}
