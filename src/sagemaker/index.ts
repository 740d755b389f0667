export * from './training-job';
