package dev.raptor.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.ServerSpecJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link ServerSpecJson}: every API read encodes a spec per server ({@code GET /servers} encodes all of
 * them) into its document record and writes it, every create/patch decodes (and so validates) one. (The
 * store keeps its own form of a spec, not this one.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerSpecJsonBenchmark {
    private ServerSpec spec;
    private JsonNode tree;
    private String text;

    @Setup
    public void setUp() throws Exception {
        spec = Specs.typical();
        tree = ServerSpecJson.tree(spec);
        text = WireJson.write(ServerSpecJson.encode(spec));
    }

    /** The spec as its document record (what a server document holds). */
    @Benchmark
    public ServerSpecDocument encodeDocument() {
        return ServerSpecJson.encode(spec);
    }

    /** Encode and serialise, as a response body. */
    @Benchmark
    public byte[] encodeBytes() {
        return WireJson.writeBytes(ServerSpecJson.encode(spec));
    }

    @Benchmark
    public ServerSpec decodeTree() {
        return ServerSpecJson.decode(tree);
    }

    /** Parse and decode, as a request body. */
    @Benchmark
    public ServerSpec decodeText() throws Exception {
        return ServerSpecJson.decode(WireJson.mapper().readTree(text));
    }
}
