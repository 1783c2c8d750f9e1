package squirrly.e2e;

import one.profiler.AsyncProfiler;

/**
 * Records a flame graph with whichever async-profiler jar is first on the classpath, while the
 * JVM does JSON/regex work like ClickJob's. Used to capture the newer (3.x/4.x) HTML format.
 * Args: event (e.g. itimer) seconds outputFile.html
 */
public final class ApCapture {
    private ApCapture() {}

    public static void main(String[] args) throws Exception {
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        System.out.println("version=" + profiler.getVersion());
        System.out.println(profiler.execute("start,event=" + args[0]));
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        ClickJob.ClickGenerator gen = new ClickJob.ClickGenerator();
        ClickJob.ParseClick parse = new ClickJob.ParseClick();
        long i = 0;
        long sink = 0;
        while (System.nanoTime() < end) {
            sink += parse.map(gen.map(i++)).itemId;
        }
        System.out.println(profiler.execute("stop,file=" + args[2]));
        System.out.println("records=" + i + " checksum=" + sink);
    }
}
