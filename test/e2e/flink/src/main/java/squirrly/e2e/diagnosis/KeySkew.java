package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Planted: one hot key carries 90% of the records, so one subtask of Aggregate (on one of the two
 * TaskManagers) does nearly all the work. Run with parallelism 2, one slot per TaskManager.
 */
public final class KeySkew {
    private KeySkew() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "purchases", 6000)
                .map(new ToPurchase())
                .name("ToPurchase")
                .keyBy(p -> p.f0)
                .process(new Aggregate())
                .name("Aggregate")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class ToPurchase implements MapFunction<Long, Tuple2<String, Long>> {
        @Override
        public Tuple2<String, Long> map(Long i) {
            String merchant = i % 10 != 0 ? "merchant-hot" : "merchant-" + (i % 997);
            return Tuple2.of(merchant, i % 10_000);
        }
    }

    static final class Aggregate extends KeyedProcessFunction<String, Tuple2<String, Long>, String> {
        private transient ValueState<Long> total;

        @Override
        public void processElement(Tuple2<String, Long> p, Context ctx, Collector<String> out) throws Exception {
            if (total == null) {
                total = getRuntimeContext().getState(new ValueStateDescriptor<>("total", Types.LONG));
            }
            Long t = total.value();
            long next = (t == null ? 0 : t) + (Cases.work(p.f1, 3000) & 0xff);
            total.update(next);
            if (next % 500 == 0) {
                out.collect(p.f0 + " " + next);
            }
        }
    }
}
