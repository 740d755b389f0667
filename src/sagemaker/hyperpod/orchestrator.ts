/** Which orchestrator runs the jobs of a HyperPod cluster. */
export enum HyperPodOrchestratorType {
  /** Amazon EKS: the cluster's nodes join an EKS cluster. */
  EKS = 'EKS',
  /** Slurm, installed and configured by the lifecycle scripts. */
  SLURM = 'SLURM',
}

/**
 * The orchestrator of a `HyperPodCluster`: an Amazon EKS cluster (by ARN) or Slurm.
 *
 * CloudFormation's `Orchestrator` property (`AWS::SageMaker::Cluster`) holds `Eks: { ClusterArn }`
 * or `Slurm: {}`; without it, a cluster is a Slurm cluster configured by its lifecycle scripts.
 */
export class HyperPodOrchestrator {
  /**
   * An Amazon EKS cluster, by ARN (`arn:aws:eks:<region>:<account>:cluster/<name>`), such as
   * `cluster.clusterArn` of an aws-cdk-lib `eks.Cluster`, or the ARN of a cluster made elsewhere.
   * The EKS cluster must be in the HyperPod cluster's VPC and allow its nodes in (see
   * `HyperPodCluster.connections`).
   *
   * @param clusterArn the EKS cluster's ARN
   */
  public static eks(clusterArn: string): HyperPodOrchestrator {
    return new HyperPodOrchestrator(HyperPodOrchestratorType.EKS, clusterArn);
  }

  /** Slurm: the lifecycle scripts set it up (`Orchestrator.Slurm`). */
  public static slurm(): HyperPodOrchestrator {
    return new HyperPodOrchestrator(HyperPodOrchestratorType.SLURM);
  }

  private constructor(
    /** The orchestrator. */
    public readonly orchestratorType: HyperPodOrchestratorType,
    /** The EKS cluster's ARN, for the EKS orchestrator. */
    public readonly eksClusterArn?: string,
  ) {}
}
