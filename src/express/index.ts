export * from './express-cache-props';
export * from './express-cache-base';
export * from './express-cache';
