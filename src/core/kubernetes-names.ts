/**
 * Kubernetes object names (pure: no aws-cdk-lib). Kubernetes documentation, "Object Names and IDs":
 * a DNS label is at most 63 characters of lowercase letters, digits and `-`, starting and ending
 * with a letter or digit; a DNS subdomain name is at most 253 characters of such labels joined by `.`
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
 */

/** What a name must be, when `name` is not a DNS label (63) or a DNS subdomain name (253); undefined when it is. @internal */
export function kubernetesNameProblem(name: string, maxLength: 63 | 253): string | undefined {
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
  const pattern = maxLength === 63 ? new RegExp(`^${label}$`) : new RegExp(`^${label}(\\.${label})*$`);
  if (name.length <= maxLength && pattern.test(name)) {
    return undefined;
  }
  return `a Kubernetes ${maxLength === 63 ? 'DNS label' : 'DNS subdomain name'}: lowercase letters, digits and "-"${maxLength === 63 ? '' : ' and "."'}, `
    + `starting and ending with a letter or digit, at most ${maxLength} characters`;
}
