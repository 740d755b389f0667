export { AcceleratorKind, NetworkInterfaceType } from './instance-types';
export type { EfaInterfaceCounts, EfaNetworkInterface, InstanceTypeFacts } from './instance-types';
export * from './accelerated-instance-types';
export * from './ec2/gpu-launch-template';
export * from './gpu-capacity';
export * from './eks/gpu-nodegroup';
export * from './eks/storage-drivers';
export * from './gpu-instance-options';
