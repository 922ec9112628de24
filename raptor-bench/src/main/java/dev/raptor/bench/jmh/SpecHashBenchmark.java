package dev.raptor.bench.jmh;

import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.server.ServerSpec;
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

/** {@link SpecHash#of}: computed on every start and every reconcile of every server. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpecHashBenchmark {
    private ServerSpec spec;

    @Setup
    public void setUp() {
        spec = Specs.typical();
    }

    @Benchmark
    public String specHash() {
        return SpecHash.of(spec);
    }
}
