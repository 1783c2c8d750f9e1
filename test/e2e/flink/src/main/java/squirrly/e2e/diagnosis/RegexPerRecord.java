package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Planted: String.matches compiles the e-mail pattern again for every record. */
public final class RegexPerRecord {
    private RegexPerRecord() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "signups", 12000)
                .map(new ToAddress())
                .name("ToAddress")
                .filter(new ValidEmail())
                .name("ValidEmail")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class ToAddress implements MapFunction<Long, String> {
        @Override
        public String map(Long i) {
            return (i % 10 == 0 ? "not an address " : "user.") + i + "@mail-" + (i % 37) + ".example.com";
        }
    }

    static final class ValidEmail implements FilterFunction<String> {
        @Override
        public boolean filter(String address) {
            return address.matches("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");
        }
    }
}
