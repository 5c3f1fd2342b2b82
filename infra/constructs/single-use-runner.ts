import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RunnerEntry } from '../topology.types.ts';
import { acknowledge } from './nag.ts';

/** Props of {@link SingleUseRunner}. */
export interface SingleUseRunnerProps {
  readonly name: string;
  readonly entry: RunnerEntry;
  readonly projectRoot: string;
  readonly availabilityZones: readonly string[];
}

/**
 * A runner entry on AWS (issue 25): a Fargate task definition, one task per
 * run (started by a state machine with `ecs:runTask.sync`, ended with it), in
 * a VPC of its own — public subnets only, no NAT, no VPC endpoints, no peering,
 * so no route to the data tier or to AWS APIs beyond the public ones — behind a
 * security group that allows out only the entry's web ports. The task role has
 * no statements: code inside cannot call AWS with Assay's powers; the
 * execution role (used by ECS, not by the task) pulls the image and writes
 * this runner's own log group. Nothing secret is in the environment.
 */
export class SingleUseRunner extends Construct {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SingleUseRunnerProps) {
    super(scope, id);
    const { entry } = props;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...props.availabilityZones],
      ipAddresses: ec2.IpAddresses.cidr('10.41.0.0/20'),
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'Runner', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    this.vpc.addFlowLog('AllTraffic', {
      trafficType: ec2.FlowLogTrafficType.ALL,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `Assay ${props.name} runner: out to the crawled apps' web ports only`,
      allowAllOutbound: false,
    });
    for (const port of entry.egressPorts)
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `web port ${port}`);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // No statement is ever added to the task role: the tests run with no AWS permission at all.
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Assay ${props.name} runner task: no permissions`,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: entry.cpu,
      memoryLimitMiB: entry.memoryMb,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer('runner', {
      image: ecs.ContainerImage.fromAsset(props.projectRoot, {
        file: entry.dockerfile,
        exclude: ['node_modules', 'cdk.out', '.git', 'test', 'bench', '.assay*', '*.log'],
      }),
      essential: true,
      user: '65534:65534',
      readonlyRootFilesystem: false,
      environment: { ASSAY_RUNTIME: 'aws', ASSAY_VERIFY_SANDBOX: 'off', ASSAY_LOG_LEVEL: 'INFO' },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: props.name, logGroup: this.logGroup }),
      stopTimeout: undefined,
    });
    acknowledge(this, {
      'AwsSolutions-ECS2':
        'The environment holds only non-secret settings (runtime kind, log level); the runner gets no secret at all.',
      'AwsSolutions-IAM5[Resource::*]':
        'Only the ECS execution role: ecr:GetAuthorizationToken has no resource-level permission; the task role has no statement.',
      'AwsSolutions-EC28': 'No EC2 instances: Fargate tasks only.',
      'AwsSolutions-EC29': 'No EC2 instances: Fargate tasks only.',
    });
  }
}
