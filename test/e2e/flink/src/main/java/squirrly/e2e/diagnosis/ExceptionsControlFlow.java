package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Planted: most amounts are not numbers, and parsing finds out by throwing NumberFormatException. */
public final class ExceptionsControlFlow {
    private ExceptionsControlFlow() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "amounts", 12000)
                .map(new ToText())
                .name("ToText")
                .map(new ParseAmount())
                .name("ParseAmount")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class ToText implements MapFunction<Long, String> {
        @Override
        public String map(Long i) {
            return i % 10 == 0 ? Long.toString(i) : "n/a-" + i;
        }
    }

    static final class ParseAmount implements MapFunction<String, Long> {
        @Override
        public Long map(String text) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return -1L;
            }
        }
    }
}
