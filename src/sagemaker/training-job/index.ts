export * from './training-input';
export * from './training-image';
export * from './sagemaker-training-job';
