export * from './express-cache';
