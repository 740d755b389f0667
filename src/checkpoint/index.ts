export * from './checkpoint-tier-props';
export { CheckpointTier, CheckpointTierKind } from './checkpoint-tier';
export type { CheckpointClientSettings } from './checkpoint-tier';
