import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Aurora PostgreSQL 17 ships pgvector 0.8, the version the local PGlite runs. */
export const AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_17_5;

/** RDS Proxy for PostgreSQL always listens on 5432. */
export const POSTGRES_PORT = 5432;

/** The database name handlers connect to (`ASSAY_DB_NAME`). */
export const DATABASE_NAME = 'assay';

/** Props of {@link Database}. */
export interface DatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly dataSubnets: ec2.SubnetSelection;
  readonly proxySubnets: ec2.SubnetSelection;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly autoPauseMinutes: number;
}

/**
 * Aurora PostgreSQL Serverless v2 (one writer, pgvector-capable version) in the
 * isolated subnets, its generated credentials in Secrets Manager, and an RDS
 * Proxy that requires TLS in front of it. Handlers connect to the proxy.
 */
export class Database extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly proxy: rds.DatabaseProxy;
  /** Username/password JSON secret generated for the cluster. */
  readonly secret: secretsmanager.ISecret;
  /** The proxy endpoint (`ASSAY_DB_HOST`). */
  readonly host: string;
  /** `ASSAY_DB_NAME`. */
  readonly databaseName = DATABASE_NAME;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_POSTGRES_VERSION }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: props.minCapacity,
      serverlessV2MaxCapacity: props.maxCapacity,
      ...(props.minCapacity === 0
        ? { serverlessV2AutoPauseDuration: Duration.minutes(props.autoPauseMinutes) }
        : {}),
      credentials: rds.Credentials.fromGeneratedSecret('assay_admin'),
      defaultDatabaseName: DATABASE_NAME,
      vpc: props.vpc,
      vpcSubnets: props.dataSubnets,
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
    });
    const secret = this.cluster.secret;
    if (!secret) throw new Error('The Aurora cluster has no generated secret');
    this.secret = secret;

    this.proxy = this.cluster.addProxy('Proxy', {
      secrets: [secret],
      vpc: props.vpc,
      vpcSubnets: props.proxySubnets,
      requireTLS: true,
      clientPasswordAuthType: rds.ClientPasswordAuthType.POSTGRES_SCRAM_SHA_256,
    });
    this.host = this.proxy.endpoint;

    acknowledge(this.cluster, {
      'AwsSolutions-RDS6':
        'Handlers authenticate to RDS Proxy with the generated Secrets Manager credential, over TLS the proxy ' +
        'requires (shared/db reads that secret); IAM database authentication is not used.',
    });
    // `cluster.secret` is the attachment; the secret resource is the cluster's child "Secret".
    acknowledge(this.cluster.node.findChild('Secret'), {
      'AwsSolutions-SMG4':
        'Handlers cache the credential for the life of a warm Lambda; rotating it would break them until ' +
        'the connection factory re-reads the secret on authentication failure. Rotate by hand until then.',
    });
  }

  /** Lets a security group reach the proxy on the PostgreSQL port. */
  allowFrom(peer: ec2.IConnectable): void {
    this.proxy.connections.allowFrom(peer, ec2.Port.tcp(POSTGRES_PORT), 'Assay functions to RDS Proxy');
  }
}
