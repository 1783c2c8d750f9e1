package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The healthy control: parse a sensor line into a POJO, keep a running average per sensor in
 * heap state, emit every 100th update. Nothing in it is worth fixing at the rates it runs.
 */
public final class HealthyJob {
    private HealthyJob() {}

    static void build(StreamExecutionEnvironment env, double recordsPerSecond) {
        Cases.counter(env, "readings", recordsPerSecond)
                .flatMap(new ParseReading())
                .name("ParseReading")
                .keyBy(r -> r.sensor)
                .process(new Average())
                .name("Average")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    /** A Flink POJO: public fields and a no-arg constructor. */
    public static final class Reading {
        public String sensor;
        public long timestamp;
        public double value;

        public Reading() {}
    }

    static final class ParseReading implements FlatMapFunction<Long, Reading> {
        @Override
        public void flatMap(Long i, Collector<Reading> out) {
            String line = "sensor-" + (i % 200) + "," + (1_700_000_000_000L + i) + "," + (i % 1000) / 10.0;
            int a = line.indexOf(',');
            int b = line.indexOf(',', a + 1);
            Reading r = new Reading();
            r.sensor = line.substring(0, a);
            r.timestamp = Long.parseLong(line.substring(a + 1, b));
            r.value = Double.parseDouble(line.substring(b + 1));
            out.collect(r);
        }
    }

    static final class Average extends KeyedProcessFunction<String, Reading, String> {
        private transient ValueState<Double> mean;
        private transient ValueState<Long> count;

        @Override
        public void processElement(Reading r, Context ctx, Collector<String> out) throws Exception {
            if (mean == null) {
                mean = getRuntimeContext().getState(new ValueStateDescriptor<>("mean", Types.DOUBLE));
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            }
            Long c = count.value();
            long n = c == null ? 1 : c + 1;
            Double m = mean.value();
            double next = m == null ? r.value : m + (r.value - m) / n;
            count.update(n);
            mean.update(next);
            if (n % 100 == 0) {
                out.collect(r.sensor + " " + next);
            }
        }
    }
}
