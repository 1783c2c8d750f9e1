package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Planted: the last vertex writes too slowly for the input rate (SlowSink stands in for a sink
 * client doing expensive per-record work), so it is busy all the time and back-pressures the
 * source vertex upstream of it.
 */
public final class BackpressureSlowSink {
    private BackpressureSlowSink() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "events", 20000)
                .map(new Format())
                .name("Format")
                .rebalance()
                .map(new SlowSink())
                .name("SlowSink")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Format implements MapFunction<Long, String> {
        @Override
        public String map(Long i) {
            return "event-" + i;
        }
    }

    static final class SlowSink implements MapFunction<String, Long> {
        @Override
        public Long map(String event) {
            return Cases.work(event.hashCode(), 60_000);
        }
    }
}
