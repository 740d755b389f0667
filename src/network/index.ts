export * from './training-vpc';
export * from './training-subnet';
