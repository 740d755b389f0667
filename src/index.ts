export * from './core';
export * from './data-lake/training-data-lake';
export * from './transfer/dataset-copy';
export * from './transfer/overwrite-policy';
export * from './express';
export * from './lustre';
export * from './network';
