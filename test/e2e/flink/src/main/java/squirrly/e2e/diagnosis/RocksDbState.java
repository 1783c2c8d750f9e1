package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Planted: heavy RocksDB keyed-state access, two ValueState reads and two writes per record where
 * one state holding both values would do. Run with state.backend.type: rocksdb.
 */
public final class RocksDbState {
    private RocksDbState() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "visits", 12000)
                .keyBy(i -> "visitor-" + (i % 20_000))
                .process(new Track())
                .name("Track")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Track extends KeyedProcessFunction<String, Long, String> {
        private transient ValueState<Long> count;
        private transient ValueState<Long> lastSeen;

        @Override
        public void processElement(Long i, Context ctx, Collector<String> out) throws Exception {
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
                lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("lastSeen", Types.LONG));
            }
            Long c = count.value();
            Long previous = lastSeen.value();
            long n = c == null ? 1 : c + 1;
            count.update(n);
            lastSeen.update(i);
            if (previous != null && n % 1000 == 0) {
                out.collect(ctx.getCurrentKey() + " " + n);
            }
        }
    }
}
