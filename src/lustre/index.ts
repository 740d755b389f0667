export * from './options';
export * from './lustre-scratch';
