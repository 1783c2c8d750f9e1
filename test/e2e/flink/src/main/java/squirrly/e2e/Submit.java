package squirrly.e2e;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits ClickJob to a running session cluster through its REST endpoint and prints the job id.
 * Args: host restPort jobJar parallelism recordsPerSecond
 */
public final class Submit {
    private Submit() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Submit host restPort jobJar parallelism recordsPerSecond");
            System.exit(2);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(args[0], Integer.parseInt(args[1]), args[2]);
        env.setParallelism(Integer.parseInt(args[3]));
        ClickJob.build(env, Double.parseDouble(args[4]));
        JobClient client = env.executeAsync(ClickJob.JOB_NAME);
        System.out.println("JOB_ID=" + client.getJobID());
        // the REST client keeps non-daemon threads alive; the job runs on in the cluster
        System.exit(0);
    }
}
