import { RemovalPolicy } from 'aws-cdk-lib';

/** ExpressCache's defaults, stated once and used by the code and its tests. @internal */
export const DEFAULTS = {
  metricsFilterId: 'EntireBucket',
  batchReportPrefix: 'dataset-copy-reports/',
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
};
