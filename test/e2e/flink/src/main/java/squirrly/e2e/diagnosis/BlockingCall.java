package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Planted: a blocking call per record (a 1 ms sleep standing in for a synchronous lookup) in a map
 * chained to the source, so the task thread waits instead of processing.
 */
public final class BlockingCall {
    private BlockingCall() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "requests", 2000)
                .map(new Lookup())
                .name("Lookup")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Lookup implements MapFunction<Long, String> {
        @Override
        public String map(Long i) throws InterruptedException {
            Thread.sleep(1);
            return "customer-" + (i % 500);
        }
    }
}
