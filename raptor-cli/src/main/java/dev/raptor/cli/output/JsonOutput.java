package dev.raptor.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.raptor.wire.json.WireJson;

import java.io.UncheckedIOException;

/**
 * JSON as raptorctl prints it ({@code --json}, {@code inspect}): the daemon's documents (the records of
 * {@code raptor-wire}) written by the contract's own mapper, so they read as the API answers them.
 */
public final class JsonOutput {
    /** Two-space indent, {@code "key": value}, arrays one element per line: what jq and docker print. */
    private static final ObjectWriter PRETTY = WireJson.mapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private JsonOutput() {
    }

    /** Indented JSON of a document, a list of them, or a tree. */
    public static String pretty(Object document) {
        try {
            return PRETTY.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One-line JSON (streamed output: one document per line). */
    public static String compact(Object document) {
        return WireJson.write(document);
    }
}
