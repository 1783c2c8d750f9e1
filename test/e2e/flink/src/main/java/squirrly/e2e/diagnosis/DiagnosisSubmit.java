package squirrly.e2e.diagnosis;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits one diagnosis case to a running session cluster through its REST endpoint and prints
 * the job id. Checkpoints run every few seconds so the job metrics include checkpoint numbers.
 * Args: host restPort jobJar parallelism caseName
 */
public final class DiagnosisSubmit {
    private DiagnosisSubmit() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DiagnosisSubmit host restPort jobJar parallelism caseName");
            System.exit(2);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(args[0], Integer.parseInt(args[1]), args[2]);
        env.setParallelism(Integer.parseInt(args[3]));
        env.enableCheckpointing(3000);
        Cases.build(args[4], env);
        JobClient client = env.executeAsync("diagnosis-" + args[4]);
        System.out.println("JOB_ID=" + client.getJobID());
        // the REST client keeps non-daemon threads alive; the job runs on in the cluster
        System.exit(0);
    }
}
