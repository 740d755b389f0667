export * from './clients';
export * from './compare';
export * from './engine';
export * from './limiter';
export * from './parts';
export * from './retry';
export * from './types';
