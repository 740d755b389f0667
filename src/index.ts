export * from './core/errors';
export * from './core/data-location';
export * from './data-lake/training-data-lake';
export * from './transfer/dataset-copy';
export * from './transfer/overwrite-policy';
export * from './express';
export * from './lustre';
