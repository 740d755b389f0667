export * from './options';
export * from './lustre-scratch-props';
export type { ILustreScratch } from './lustre-scratch-base';
export * from './lustre-scratch';
