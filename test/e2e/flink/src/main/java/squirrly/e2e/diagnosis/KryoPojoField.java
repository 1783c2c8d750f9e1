package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Planted: Order is a proper POJO, but its interface-typed field `tags` (java.util.List) has no
 * Flink type information, so that one field is serialized with Kryo inside the POJO serializer.
 */
public final class KryoPojoField {
    private KryoPojoField() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "orders", 12000)
                .flatMap(new Enrich())
                .name("Enrich")
                .keyBy(o -> o.currency)
                .map(new Total())
                .name("Total")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    public static final class Order {
        public String id;
        public long amountCents;
        public String currency;
        /** the field that falls back to Kryo */
        public List<String> tags;

        public Order() {}
    }

    static final class Enrich implements FlatMapFunction<Long, Order> {
        private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "JPY", "CHF", "SEK", "NOK", "DKK"};

        @Override
        public void flatMap(Long i, Collector<Order> out) {
            Order o = new Order();
            o.id = "order-" + i;
            o.amountCents = (i * 7919) % 100_000;
            o.currency = CURRENCIES[(int) (i % CURRENCIES.length)];
            o.tags = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                o.tags.add("tag-" + ((i + k) % 50));
            }
            out.collect(o);
        }
    }

    static final class Total implements MapFunction<Order, Long> {
        @Override
        public Long map(Order o) {
            return o.amountCents + o.tags.size();
        }
    }
}
