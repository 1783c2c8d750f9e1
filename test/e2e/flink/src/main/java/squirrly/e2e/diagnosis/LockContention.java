package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Planted: every subtask in the TaskManager JVM funnels through one static synchronized method,
 * so the task threads queue on the Stats class's monitor. Run with parallelism 2 on one TaskManager.
 */
public final class LockContention {
    private LockContention() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "clicks", 8000)
                .map(new Count())
                .name("Count")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Stats {
        private static long total;

        static synchronized long record(long value) {
            total += Cases.work(value, 2000);
            return total;
        }
    }

    static final class Count implements MapFunction<Long, Long> {
        @Override
        public Long map(Long i) {
            return Stats.record(i);
        }
    }
}
