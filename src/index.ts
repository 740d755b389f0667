export * from './core';
export * from './data-lake';
export * from './transfer';
export * from './express';
export * from './lustre';
export * from './network';
export * from './checkpoint';
export * from './compute';
