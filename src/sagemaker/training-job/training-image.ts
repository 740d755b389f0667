import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { TrainingStorageError, renderValue } from '../../core/errors';

/** An ECR image URI: `<account>.dkr.ecr.<region>.<domain>/<repository>` with a `:tag` or `@digest`. */
const ECR_IMAGE_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.]+\/([a-z0-9._\-/]+)(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * The training container image. SageMaker pulls it from Amazon ECR with the job's execution role,
 * which is granted pull on exactly that repository.
 */
export class TrainingImage {
  /**
   * An image in an ECR repository of this app (or imported).
   *
   * @param repository the repository
   * @param tagOrDigest the tag, or a digest such as `sha256:...`
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string): TrainingImage {
    return new TrainingImage(repository.repositoryUriForTagOrDigest(tagOrDigest), repository);
  }

  /**
   * An image by its ECR URI, such as an AWS Deep Learning Container
   * (`763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:<tag>`): the role is granted
   * pull on the repository the URI names.
   *
   * @param imageUri a literal ECR image URI with a tag or digest
   */
  public static fromEcrImageUri(imageUri: string): TrainingImage {
    return new TrainingImage(imageUri);
  }

  /** The image URI, as SageMaker's `AlgorithmSpecification.TrainingImage`. */
  public readonly imageUri: string;
  private readonly repository?: ecr.IRepository;

  private constructor(imageUri: string, repository?: ecr.IRepository) {
    this.imageUri = imageUri;
    this.repository = repository;
  }

  /**
   * Lets the grantee pull the image: `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer` and
   * `ecr:BatchCheckLayerAvailability` on the repository, and `ecr:GetAuthorizationToken` (which
   * has no resource type, so `*`).
   *
   * @param scope the construct that reports a URI that is not an ECR image URI
   */
  public grantPull(scope: IConstruct, grantee: iam.IGrantable): iam.Grant {
    if (this.repository) {
      return this.repository.grantPull(grantee);
    }
    const match = Token.isUnresolved(this.imageUri) ? null : ECR_IMAGE_URI.exec(this.imageUri);
    if (!match) {
      throw TrainingStorageError.invalidProperty(scope, 'image', renderValue(this.imageUri),
        'a literal ECR image URI with a tag or digest, such as "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:<tag>", '
        + 'or TrainingImage.fromEcrRepository(repository, tag) (SageMaker pulls training images from Amazon ECR)');
    }
    const [, account, region, repositoryName] = match;
    const repositoryArn = `arn:${Stack.of(scope).partition}:ecr:${region}:${account}:repository/${repositoryName}`;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resourceArns: [repositoryArn],
    }).combine(iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] }));
  }
}
