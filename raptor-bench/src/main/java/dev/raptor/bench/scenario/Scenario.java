package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;

import java.util.List;

/** One harness command: measures a figure and its same-run reference, and reports them as results rows. */
public interface Scenario {
    /** The command name ({@code lifecycle}, {@code storm}...). */
    String name();

    /** One line for the usage text. */
    String description();

    List<Result> run(Bench bench) throws Exception;
}
