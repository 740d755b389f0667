export * from './errors';
export * from './data-location';
export { CompliantKey } from './encryption';
export type { CompliantKeyProps } from './encryption';
export * from './alarm-topic';
export * from './strict-validations';
export * from './training-zone';
