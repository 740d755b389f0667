export * from './training-job';
export * from './hyperpod';
