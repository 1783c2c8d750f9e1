package squirrly.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A click-stream job with the hot paths real jobs have, so flame graphs show user code next to
 * Flink's runtime: JSON parsing (Jackson), regex and string work, a lock-guarded shared cache
 * (visible in LOCK profiles), keyed ValueState, and a sink.
 * Only API that is the same in Flink 1.20 and 2.x is used, so one source builds for both.
 */
public final class ClickJob {
    public static final String JOB_NAME = "squirrly-e2e-clicks";

    private ClickJob() {}

    /** Adds the pipeline to env. recordsPerSecond bounds the load so a 2-core machine stays responsive. */
    public static void build(StreamExecutionEnvironment env, double recordsPerSecond) {
        DataGeneratorSource<String> source =
                new DataGeneratorSource<>(
                        new ClickGenerator(),
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(recordsPerSecond),
                        Types.STRING);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "click-generator")
                .map(new ParseClick())
                .name("parse-json")
                .keyBy(click -> click.user)
                .process(new CountPerUser())
                .name("count-per-user")
                .sinkTo(new DiscardingSink<>())
                .name("discard");
    }

    /** Emits JSON text, like a message-queue source would. */
    static final class ClickGenerator implements GeneratorFunction<Long, String> {
        private static final String[] AGENTS = {
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
            "curl/8.7.1"
        };

        @Override
        public String map(Long i) {
            // parallel readers start deep into the index range, so keep the arithmetic non-negative
            long item = Math.floorMod(i * 7919L, 10_000L);
            return "{\"user\":\"user-" + Math.floorMod(i, 64L) + "\",\"url\":\"https://shop.example/Category-"
                    + (item % 17) + "/item/" + item + "?ref=campaign_" + Math.floorMod(i, 5L)
                    + "&utm=mail\",\"agent\":\"" + AGENTS[(int) Math.floorMod(i, (long) AGENTS.length)]
                    + "\",\"ts\":" + (1_700_000_000_000L + i) + ",\"tags\":[\"a\",\"b\",\"c\"]}";
        }
    }

    /** The parsed event. Public fields and a no-arg constructor make it a Flink POJO. */
    public static final class Click {
        public String user;
        public String category;
        public long itemId;
        public String browser;

        public Click() {}
    }

    /** JSON + regex + string normalisation: the typical "parse and enrich" step. */
    static final class ParseClick extends RichMapFunction<String, Click> {
        private static final Pattern URL =
                Pattern.compile("https?://[^/]+/([A-Za-z]+)-(\\d+)/item/(\\d+)\\?(.*)");
        private static final Pattern AGENT = Pattern.compile("(Firefox|Safari|Chrome|curl)/([\\d.]+)");
        // Shared by every subtask in the TaskManager JVM, guarded by its monitor: contended on purpose.
        private static final Map<String, String> BROWSER_CACHE = new LinkedHashMap<>(64, 0.75f, true);

        private transient ObjectMapper mapper;

        @Override
        public Click map(String json) throws Exception {
            if (mapper == null) {
                mapper = new ObjectMapper();
            }
            JsonNode node = mapper.readTree(json);
            Click click = new Click();
            click.category = "unknown";
            click.user = node.get("user").asText().toUpperCase(Locale.ROOT);
            Matcher m = URL.matcher(node.get("url").asText());
            if (m.matches()) {
                click.category = (m.group(1) + "_" + m.group(2)).toLowerCase(Locale.ROOT);
                click.itemId = Long.parseLong(m.group(3));
                for (String kv : m.group(4).split("&")) {
                    click.category += kv.startsWith("ref=") ? "/" + kv.substring(4) : "";
                }
            }
            click.browser = browser(node.get("agent").asText());
            return click;
        }

        private static String browser(String agent) {
            synchronized (BROWSER_CACHE) {
                String cached = BROWSER_CACHE.get(agent);
                if (cached == null) {
                    Matcher m = AGENT.matcher(agent);
                    cached = m.find() ? m.group(1) + " " + m.group(2) : "unknown";
                    BROWSER_CACHE.put(agent, cached);
                }
                // hold the monitor a little, like a cache doing bookkeeping
                int h = 0;
                for (int k = 0; k < 1000; k++) {
                    h = 31 * h + cached.charAt(k % cached.length());
                }
                return h == 42 ? cached + "!" : cached;
            }
        }
    }

    /** Keyed state: clicks and distinct-category bookkeeping per user. */
    static final class CountPerUser extends KeyedProcessFunction<String, Click, String> {
        private transient ValueState<Long> count;
        private transient ValueState<String> lastCategory;

        @Override
        public void processElement(Click click, Context ctx, Collector<String> out) throws Exception {
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
                lastCategory =
                        getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.STRING));
            }
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            String previous = lastCategory.value();
            lastCategory.update(click.category);
            if (next % 100 == 0 || !click.category.equals(previous)) {
                out.collect(String.format(Locale.ROOT, "%s %d %s %s", click.user, next, click.category, click.browser));
            }
        }
    }
}
