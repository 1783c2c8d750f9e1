package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The diagnosis cases by name: each job has exactly one planted problem, or none for the healthy
 * controls. Only API that is the same in Flink 1.20 and 2.x is used.
 */
public final class Cases {
    private Cases() {}

    public static void build(String name, StreamExecutionEnvironment env) {
        switch (name) {
            case "kryo-record": KryoRecord.build(env, false); break;
            case "kryo-record-fixed": KryoRecord.build(env, true); break;
            case "kryo-pojo-field": KryoPojoField.build(env); break;
            case "regex-per-record": RegexPerRecord.build(env); break;
            case "logging-per-record": LoggingPerRecord.build(env); break;
            case "exceptions-control-flow": ExceptionsControlFlow.build(env); break;
            case "alloc-per-record": AllocPerRecord.build(env); break;
            case "lock-contention": LockContention.build(env); break;
            case "blocking-call": BlockingCall.build(env); break;
            case "rocksdb-state": RocksDbState.build(env); break;
            case "key-skew": KeySkew.build(env); break;
            case "backpressure-slow-sink": BackpressureSlowSink.build(env); break;
            case "healthy": HealthyJob.build(env, 4000); break;
            case "healthy-rate-limited": HealthyJob.build(env, 300); break;
            default: throw new IllegalArgumentException("unknown case " + name);
        }
    }

    /** A counter source: 0, 1, 2, … at most perSecond records per second over all subtasks. */
    static DataStream<Long> counter(StreamExecutionEnvironment env, String name, double perSecond) {
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(new Identity(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(perSecond), Types.LONG);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), name);
    }

    static final class Identity implements GeneratorFunction<Long, Long> {
        @Override
        public Long map(Long i) {
            return i;
        }
    }

    /** A little CPU work that the JIT cannot remove: stands in for real per-record logic. */
    static long work(long seed, int rounds) {
        long h = seed;
        for (int k = 0; k < rounds; k++) {
            h = h * 6364136223846793005L + 1442695040888963407L;
            h ^= h >>> 29;
        }
        return h;
    }
}
