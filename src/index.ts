export * from './core/errors';
export * from './core/data-location';
export * from './data-lake/training-data-lake';
