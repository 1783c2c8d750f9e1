package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted: an INFO log line for every record. */
public final class LoggingPerRecord {
    private LoggingPerRecord() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "payments", 4000)
                .map(new Audit())
                .name("Audit")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Audit implements MapFunction<Long, String> {
        private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

        @Override
        public String map(Long i) {
            String payment = "payment-" + i;
            LOG.info("audited {} for account {} amount {}", payment, i % 1000, (i * 31) % 10_000);
            return payment;
        }
    }
}
