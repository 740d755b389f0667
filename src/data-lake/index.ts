export * from './training-data-lake';
