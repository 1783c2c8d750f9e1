package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;

/**
 * Planted: the whole record type is not a POJO (final fields, no no-arg constructor), so every record
 * crossing keyBy goes through Kryo. {@code fixed} is the same job after the fix: the record is a POJO
 * (public fields, a no-arg constructor, the attributes as String arrays), with the same functions,
 * so a before/after diff compares like with like.
 */
public final class KryoRecord {
    private KryoRecord() {}

    static void build(StreamExecutionEnvironment env, boolean fixed) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeInformation<Record> type = (TypeInformation) (fixed ? TypeInformation.of(PojoEvent.class) : TypeInformation.of(Event.class));
        Cases.counter(env, "events", 12000)
                .flatMap(new ToEvent(fixed))
                .returns(type)
                .name("ToEvent")
                .keyBy(new ByUser<>())
                .map(new Summarize<>())
                .name("Summarize")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    interface Record {
        String user();
        long timestamp();
        int attributeCount();
    }

    /** Not a POJO: Flink falls back to a generic type serialized with Kryo. */
    public static final class Event implements Record {
        final String user;
        final long timestamp;
        final Map<String, String> attributes;

        Event(String user, long timestamp, Map<String, String> attributes) {
            this.user = user;
            this.timestamp = timestamp;
            this.attributes = attributes;
        }

        @Override public String user() { return user; }
        @Override public long timestamp() { return timestamp; }
        @Override public int attributeCount() { return attributes.size(); }
    }

    /** The fix: a POJO whose every field Flink serializes itself. */
    public static class PojoEvent implements Record {
        public String user;
        public long timestamp;
        public String[] attributeKeys;
        public String[] attributeValues;

        public PojoEvent() {}

        @Override public String user() { return user; }
        @Override public long timestamp() { return timestamp; }
        @Override public int attributeCount() { return attributeKeys.length; }
    }

    static final class ToEvent implements FlatMapFunction<Long, Record> {
        private final boolean fixed;

        ToEvent(boolean fixed) {
            this.fixed = fixed;
        }

        @Override
        public void flatMap(Long i, Collector<Record> out) {
            String user = "user-" + (i % 64);
            if (fixed) {
                PojoEvent e = new PojoEvent();
                e.user = user;
                e.timestamp = i;
                e.attributeKeys = new String[8];
                e.attributeValues = new String[8];
                for (int k = 0; k < 8; k++) {
                    e.attributeKeys[k] = "attr-" + k;
                    e.attributeValues[k] = "value-" + (i + k);
                }
                out.collect(e);
                return;
            }
            Map<String, String> attributes = new HashMap<>();
            for (int k = 0; k < 8; k++) {
                attributes.put("attr-" + k, "value-" + (i + k));
            }
            out.collect(new Event(user, i, attributes));
        }
    }

    // generic in the record, so Flink takes the record type from the stream (Kryo's or the POJO's)
    static final class ByUser<R extends Record> implements KeySelector<R, String> {
        @Override
        public String getKey(R e) {
            return e.user();
        }
    }

    static final class Summarize<R extends Record> implements MapFunction<R, Long> {
        @Override
        public Long map(R e) {
            return e.timestamp() + e.attributeCount();
        }
    }
}
