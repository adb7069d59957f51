package conclab.bench;

import conclab.trace.Recorder;
import conclab.trace.SpanState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * JMH micro-benchmarks of the recorder's hot path, run by {@link LibBench} (fork, warm-up and
 * measurement counts are set there). A fresh recorder per iteration keeps memory bounded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecorderJmh {

    @State(Scope.Benchmark)
    public static class Rec {
        Recorder recorder;
        Recorder.Task task;

        @Setup(Level.Iteration)
        public void fresh() {
            recorder = Recorder.start("jmh");
            task = recorder.task("t");
        }
    }

    /** Baseline: what a task costs without the recorder (the task reference handed over). */
    @Benchmark
    public void baseline(Rec r, Blackhole bh) {
        bh.consume(r.task);
    }

    /** A clock read, of which a span has two. */
    @Benchmark
    public long clock() {
        return System.nanoTime();
    }

    /** One span: begin (clock read, thread-local) and end (clock read, append). */
    @Benchmark
    public void span(Rec r) {
        r.recorder.begin(r.task);
        r.recorder.end();
    }

    /** One state change inside a task: closes a span and opens the next (what a traced wait costs). */
    @Benchmark
    public void stateChange(Rec r, StateToggle s) {
        s.flip = !s.flip;
        Recorder.state(s.flip ? SpanState.WAITING : SpanState.RUNNING);
    }

    @State(Scope.Thread)
    public static class StateToggle {
        boolean flip;

        @Setup(Level.Iteration)
        public void enter(Rec r) {
            r.recorder.begin(r.task);
        }
    }
}
