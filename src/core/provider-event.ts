/**
 * The CloudFormation custom resource event as the Provider framework passes it to a handler, and
 * the answer to onEvent; `P` is the resource's properties contract. Shared by the library's handlers.
 * @internal
 */
export interface ProviderEvent<P> {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly StackId: string;
  readonly ResourceProperties: P & { readonly ServiceToken?: string };
  readonly OldResourceProperties?: P;
  readonly PhysicalResourceId?: string;
}

/** What onEvent answers. @internal */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}
