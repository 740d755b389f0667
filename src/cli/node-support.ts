/**
 * The Node.js versions the command line runs on, and the AWS SDK's Node.js version notice (pure).
 *
 * The command line supports Node.js 20 or later (the package's `engines`; the bundle targets
 * node20). On Node.js 20 and 21 the AWS SDK for JavaScript v3 prints, when a client is created, a
 * notice that SDK versions published after the first week of January 2027 will require Node.js 22.
 * That notice is about installing newer SDK versions; the command line ships the SDK inside its
 * bundle, built and tested on Node.js 20, so on the versions it supports the notice only adds a wall
 * of text to every run. The SDK reads one switch for it: the environment variable
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true (the SDK's announcement,
 * https://github.com/aws/aws-sdk-js-v3/issues/7983; read in @aws-sdk/core's
 * emitWarningIfUnsupportedVersion). On older Node.js versions the notice stays.
 */

/** The oldest Node.js major version the command line supports. */
export const MIN_NODE_MAJOR = 20;

/** The supported versions, as the usage text says them. */
export const SUPPORTED_NODE = `${MIN_NODE_MAJOR} or later`;

/** The environment variable that switches the SDK's Node.js version notice off when it is "true". */
export const SDK_NODE_NOTICE_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The major version of a `process.version` string such as "v20.20.2", or undefined. */
export function nodeMajor(version: string): number | undefined {
  const match = /^v(\d+)\./.exec(version);
  return match ? Number(match[1]) : undefined;
}

/**
 * On a supported Node.js version, switches the SDK's Node.js version notice off (before any client
 * is created), unless the environment already sets the switch either way.
 */
export function quietSdkNodeNotice(version: string, env: Record<string, string | undefined>): void {
  const major = nodeMajor(version);
  if (major !== undefined && major >= MIN_NODE_MAJOR && env[SDK_NODE_NOTICE_SWITCH] === undefined) {
    env[SDK_NODE_NOTICE_SWITCH] = 'true';
  }
}
