import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LustreDataCompression, LustreDeploymentType, LustreLogLevel, LustreStorageType, LustreVersion } from '../options';

/**
 * The construct's defaults, stated once. What is derived from other properties (per-unit throughput,
 * capacity, metadata configuration) is in `../sizing.ts`.
 */
export const DEFAULTS = {
  deploymentType: LustreDeploymentType.PERSISTENT_2,
  storageType: LustreStorageType.SSD,
  dataCompression: LustreDataCompression.LZ4,
  lustreVersion: LustreVersion.V_2_15,
  logLevel: LustreLogLevel.WARN_ERROR,
  logRetention: logs.RetentionDays.ONE_YEAR,
  backupRetentionDays: 30,
  removalPolicy: RemovalPolicy.RETAIN,
  mountPath: '/fsx',
  dnsWaitTimeout: Duration.minutes(10),
  freeCapacityAlarmPeriod: Duration.minutes(5),
  freeCapacityAlarmEvaluationPeriods: 3,
};
