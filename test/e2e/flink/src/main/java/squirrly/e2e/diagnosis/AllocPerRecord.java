package squirrly.e2e.diagnosis;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Planted: a fresh 16 KiB buffer for every record, to checksum a few dozen bytes. */
public final class AllocPerRecord {
    private AllocPerRecord() {}

    static void build(StreamExecutionEnvironment env) {
        Cases.counter(env, "messages", 4000)
                .map(new Checksum())
                .name("Checksum")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    static final class Checksum implements MapFunction<Long, Long> {
        @Override
        public Long map(Long i) {
            byte[] text = ("message-" + i + "-payload").getBytes(StandardCharsets.UTF_8);
            byte[] buffer = new byte[16 * 1024];
            System.arraycopy(text, 0, buffer, 0, text.length);
            CRC32 crc = new CRC32();
            crc.update(buffer, 0, text.length);
            return crc.getValue();
        }
    }
}
