import * as rules from '../../src/network/rules';

describe('training network rules (pure)', () => {
  test('zone IDs: Availability Zone IDs only', () => {
    for (const ok of ['use1-az4', 'apne1-az1', 'usw2-az3', 'euc1-az2']) {
      expect(rules.checkZoneId('z', ok)).toBeUndefined();
    }
    expect(rules.checkZoneId('z', 'us-east-1a')?.allowed).toContain('is a zone name');
    expect(rules.checkZoneId('z', 'us-west-2-lax-1a')?.allowed).toContain('is a zone name');
    expect(rules.checkZoneId('z', 'use1-bos1-az1')?.allowed).toContain('is a Local Zone ID');
    expect(rules.checkZoneId('z', 'az4')).toEqual({ property: 'z', received: '"az4"', allowed: 'an Availability Zone ID such as "use1-az4"' });
  });

  test('additional zones: same Region code, each once', () => {
    expect(rules.checkAdditionalZoneIds('use1-az4', [])).toBeUndefined();
    expect(rules.checkAdditionalZoneIds('use1-az4', ['use1-az5', 'use1-az6'])).toBeUndefined();
    expect(rules.checkAdditionalZoneIds('use1-az4', ['use1-az5', 'use1-az5'])?.property).toBe('additionalZoneIds[1]');
    expect(rules.checkAdditionalZoneIds('use1-az4', ['use1-az4'])?.property).toBe('additionalZoneIds[0]');
    expect(rules.checkAdditionalZoneIds('use1-az4', ['use2-az1'])?.allowed).toContain('use1-az<n>');
  });

  test('Regions: known for the S3 Express One Zone Regions; a mismatch with the stack\'s Region is a violation', () => {
    expect(rules.regionOfZoneId('use1-az4')).toBe('us-east-1');
    expect(rules.regionOfZoneId('apne1-az4')).toBe('ap-northeast-1');
    expect(rules.regionOfZoneId('cac1-az1')).toBeUndefined();
    expect(rules.checkZoneInStackRegion('z', 'use1-az4', 'us-east-1')).toBeUndefined();
    expect(rules.checkZoneInStackRegion('z', 'cac1-az1', 'us-east-1')).toBeUndefined(); // no opinion
    expect(rules.checkZoneInStackRegion('z', 'use1-az4', 'eu-west-1')?.allowed).toBe('an Availability Zone ID of the stack\'s Region eu-west-1: "use1-az4" is in us-east-1');
    expect(rules.hasS3Express('use1-az1')).toBe(true); // the Region has it, whatever the zone
    expect(rules.hasS3Express('euc1-az1')).toBe(false);
  });

  test('subnet sizes: /16 to /28; CIDR blocks aligned to their size', () => {
    expect(rules.SUBNET_PREFIX_LENGTH).toEqual({ min: 16, max: 28 });
    expect(rules.RESERVED_ADDRESSES_PER_SUBNET).toBe(5);
    expect([16, 20, 28].map((n) => rules.checkSubnetPrefixLength('p', n))).toEqual([undefined, undefined, undefined]);
    expect([15, 29, 20.5].map((n) => rules.checkSubnetPrefixLength('p', n)?.property)).toEqual(['p', 'p', 'p']);
    expect(rules.checkSubnetCidrBlock('c', '10.0.64.0/20')).toBeUndefined();
    expect(rules.checkSubnetCidrBlock('c', '172.31.255.240/28')).toBeUndefined();
    expect(rules.checkSubnetCidrBlock('c', '10.0.0.0/16')).toBeUndefined();
    expect(rules.checkSubnetCidrBlock('c', '10.0.65.0/20')?.allowed).toContain('starts at 10.0.64.0/20');
    expect(rules.checkSubnetCidrBlock('c', '192.168.1.17/24')?.allowed).toContain('starts at 192.168.1.0/24');
    for (const bad of ['10.0.0.0/15', '10.0.0.0/29', '256.0.0.0/16', '10.0.0/16', '10.0.0.0']) {
      expect(rules.checkSubnetCidrBlock('c', bad)?.received).toBe(JSON.stringify(bad));
    }
  });
});
