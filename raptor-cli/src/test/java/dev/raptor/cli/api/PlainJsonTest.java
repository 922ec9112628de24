package dev.raptor.cli.api;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick path's JSON reader: every well-formed document read as plain values, anything else as empty. */
class PlainJsonTest {

    private static Optional<Object> parse(String json) {
        return PlainJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectsArraysAndScalarsReadAsPlainValues() {
        Map<String, Object> nullMember = new HashMap<>();
        nullMember.put("gone", null);
        assertThat(parse(" {\"a\" : [1, -2.5e3, 0, true, false, null, \"x\"], \"b\": {}, \"c\": [], \"d\": {\"gone\": null}}\n"))
                .contains(Map.of("a", Arrays.asList(1L, new BigDecimal("-2.5e3"), 0L, true, false, null, "x"),
                        "b", Map.of(), "c", List.of(), "d", nullMember));
    }

    @Test
    void integersOfUpTo18DigitsReadAsLongsAndEveryOtherNumberAsItsExactDecimal() {
        assertThat(parse("[-0, 25565, -2147483649, 999999999999999999, -999999999999999999]"))
                .contains(List.of(0L, 25565L, -2147483649L, 999999999999999999L, -999999999999999999L));
        assertThat(parse("[1000000000000000000, -9223372036854775809, 25565.0, 1e3, 0.5]"))
                .contains(List.of(new BigDecimal("1000000000000000000"), new BigDecimal("-9223372036854775809"),
                        new BigDecimal("25565.0"), new BigDecimal("1e3"), new BigDecimal("0.5")));
    }

    @Test
    void stringsReadWithEveryEscapeAndAnyUnicode() {
        assertThat(parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u20AC \\ud83d\\ude00 é€😀\"")).contains(
                "q\" b\\ s/ \b\f\n\r\t é€ \uD83D\uDE00 é€😀");
    }

    @Test
    void whatTheWireMapperRefusesReadsAsEmpty() {
        for (String bad : List.of("", " ", "{", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1}x", "{} {}",
                "{\"a\":1,\"a\":2}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"unterminated", "\"bad \\x escape\"",
                "\"short \\u12\"", "\"tab\tinside\"", "'single'", "[" .repeat(300) + "]".repeat(300), "null")) {
            assertThat(parse(bad)).as("%s", bad).isEmpty();
        }
        assertThat(PlainJson.parse(new byte[]{'"', (byte) 0xC3, '"'})).as("malformed UTF-8").isEmpty();
    }
}
