export * from './clients';
export * from './compare';
export * from './engine';
export * from './parts';
export * from './retry';
