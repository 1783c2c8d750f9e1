package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;

/** Planted: the whole record type is not a POJO (final fields, no no-arg constructor), so every record crossing keyBy goes through Kryo. */
public final class KryoRecord {
    private KryoRecord() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "events", 12000)
                .flatMap(new ToEvent())
                .name("ToEvent")
                .keyBy(e -> e.user)
                .map(new Summarize())
                .name("Summarize")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    /** Not a POJO: Flink falls back to a generic type serialized with Kryo. */
    public static final class Event {
        final String user;
        final long timestamp;
        final Map<String, String> attributes;

        Event(String user, long timestamp, Map<String, String> attributes) {
            this.user = user;
            this.timestamp = timestamp;
            this.attributes = attributes;
        }
    }

    static final class ToEvent implements FlatMapFunction<Long, Event> {
        @Override
        public void flatMap(Long i, Collector<Event> out) {
            Map<String, String> attributes = new HashMap<>();
            for (int k = 0; k < 8; k++) {
                attributes.put("attr-" + k, "value-" + (i + k));
            }
            out.collect(new Event("user-" + (i % 64), i, attributes));
        }
    }

    static final class Summarize implements MapFunction<Event, Long> {
        @Override
        public Long map(Event e) {
            return e.timestamp + e.attributes.size();
        }
    }
}
