package dev.raptor.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.store.json.ServerSpecJson;
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
 * them), every create/patch decodes (and so validates) one, and the store does both per row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerSpecJsonBenchmark {
    private final ObjectMapper mapper = new ObjectMapper();
    private ServerSpec spec;
    private JsonNode tree;
    private String text;

    @Setup
    public void setUp() throws Exception {
        spec = Specs.typical();
        tree = ServerSpecJson.encode(spec);
        text = mapper.writeValueAsString(tree);
    }

    @Benchmark
    public ObjectNode encodeTree() {
        return ServerSpecJson.encode(spec);
    }

    /** Encode and serialise, as a response body. */
    @Benchmark
    public String encodeText() throws Exception {
        return mapper.writeValueAsString(ServerSpecJson.encode(spec));
    }

    @Benchmark
    public ServerSpec decodeTree() {
        return ServerSpecJson.decode(tree);
    }

    /** Parse and decode, as a request body. */
    @Benchmark
    public ServerSpec decodeText() throws Exception {
        return ServerSpecJson.decode(mapper.readTree(text));
    }
}
