import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CfnElement, DockerImage, Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { assetCacheControl, buildConsoleSync, consoleRoot, indexCacheControl } from '../console/bundle.js';
import { SecureBucket } from './secure-bucket.js';

export interface ConsoleSiteProps {
  accessLogs: s3.IBucket;
}

/** Key prefix of the console's files in their bucket: the path CloudFront serves them under. */
export const consoleKeyPrefix = 'console/';

/**
 * The web console's static files in a private bucket (read only by CloudFront, through Origin
 * Access Control: see lib/edge.ts): hashed assets cached for a year, the index revalidated on
 * every load so a deploy shows at once. Old assets are kept, so a page loaded before a deploy
 * still finds its scripts.
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, 'Files', { accessLogs: props.accessLogs, accessLogsPrefix: 'console-files/' }).bucket;
    const files = s3deploy.Source.asset(consoleRoot, {
      bundling: {
        // Never pulled: esbuild runs in this process, as NodejsFunction bundles without Docker.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
        local: {
          tryBundle(outputDir: string) {
            for (const file of buildConsoleSync()) {
              const path = join(outputDir, file.path);
              mkdirSync(dirname(path), { recursive: true });
              writeFileSync(path, file.body);
            }
            return true;
          },
        },
      },
    });
    const common = { sources: [files], destinationBucket: this.bucket, destinationKeyPrefix: consoleKeyPrefix, prune: false, memoryLimit: 256 };
    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      ...common,
      exclude: ['index.html'],
      cacheControl: [s3deploy.CacheControl.fromString(assetCacheControl)],
    });
    const index = new s3deploy.BucketDeployment(this, 'Index', {
      ...common,
      exclude: ['*'],
      include: ['index.html'],
      cacheControl: [s3deploy.CacheControl.fromString(indexCacheControl)],
    });
    // The index names the assets: it goes up only once they are there.
    index.node.addDependency(assets);
    this.acknowledgeDeploymentHandler(assets);
  }

  /** The findings of CDK's own (stack-wide singleton) BucketDeployment handler, which we do not shape. */
  private acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment): void {
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const role = deployment.handlerRole;
    const acknowledge = (scope: IConstruct | undefined, id: string, reason: string) => scope && Validations.of(scope).acknowledge({ id, reason });
    acknowledge(role.node.scope, 'AwsSolutions-L1', "The BucketDeployment handler's runtime is chosen by aws-cdk-lib.");
    acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'It only writes its own logs.');
    const copies = 'CDK grants the BucketDeployment handler object-level access to copy its asset into the console bucket.';
    for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) acknowledge(role, `AwsSolutions-IAM5[Action::${action}]`, copies);
    acknowledge(role, `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, copies);
    acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*]`, copies);
  }
}
