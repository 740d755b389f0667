export * from './dataset-copy';
export * from './overwrite-policy';
