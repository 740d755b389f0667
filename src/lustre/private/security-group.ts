import { Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The rule aws-cdk-lib puts in a security group without egress rules, so that EC2 adds no allow-all rule. */
const NO_EGRESS_RULE: ec2.CfnSecurityGroup.EgressProperty = {
  cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86,
};

/**
 * Keeps a security group's outbound traffic limited to its egress rules. aws-cdk-lib removes its
 * "disallow all traffic" placeholder as soon as any egress rule is added, also when that rule is a
 * separate `AWS::EC2::SecurityGroupEgress` resource (rules to security groups always are). The
 * group then has no inline egress rule and EC2 gives it its default rule, all traffic to 0.0.0.0/0.
 * The placeholder stays while no inline egress rule exists.
 */
export function keepEgressRestricted(securityGroup: ec2.SecurityGroup): void {
  const cfn = securityGroup.node.defaultChild as ec2.CfnSecurityGroup;
  const inline = cfn.securityGroupEgress;
  cfn.securityGroupEgress = Lazy.any({
    produce: () => (Array.isArray(inline) && inline.length > 0 ? inline : [NO_EGRESS_RULE]),
  });
}
