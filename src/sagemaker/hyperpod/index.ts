export * from './orchestrator';
export * from './hyperpod-cluster-props';
export * from './hyperpod-cluster';
