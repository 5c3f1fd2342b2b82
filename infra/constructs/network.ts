import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Props of {@link Network}. */
export interface NetworkProps {
  readonly availabilityZones: readonly string[];
  /** 0 keeps the VPC fully private (AWS services through endpoints only, no GitHub/LLM egress). */
  readonly natGateways: number;
  /** Interface endpoints for SQS, Secrets Manager and Step Functions. */
  readonly interfaceEndpoints: boolean;
}

/**
 * The VPC: public subnets (NAT only), private subnets for Lambdas and RDS Proxy,
 * isolated subnets for Aurora; an S3 gateway endpoint and interface endpoints
 * so AWS traffic skips the NAT; rejected-traffic flow logs; and the one
 * security group every VPC Lambda shares.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** Subnets for Lambdas and RDS Proxy. */
  readonly appSubnets: ec2.SubnetSelection;
  /** Subnets for the Aurora cluster (no route out). */
  readonly dataSubnets: ec2.SubnetSelection;
  /** Shared by every Lambda that runs in the VPC. */
  readonly appSecurityGroup: ec2.SecurityGroup;
  /** The interface endpoints, so deploy-time steps can wait for them. */
  readonly endpoints: readonly Construct[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const egress = props.natGateways > 0;
    const appSubnetType = egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...props.availabilityZones],
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      natGateways: props.natGateways,
      // The default security group is unused; restricting it needs one more custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        ...(egress ? [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        { name: 'App', subnetType: appSubnetType, cidrMask: 20 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.appSubnets = { subnetGroupName: 'App' };
    this.dataSubnets = { subnetGroupName: 'Data' };

    this.vpc.addFlowLog('RejectedTraffic', {
      trafficType: ec2.FlowLogTrafficType.REJECT,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
    });

    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: 'Assay Lambda functions (egress to RDS Proxy, endpoints and, through NAT, GitHub/LLM)',
      allowAllOutbound: true,
    });

    const endpoints: Construct[] = [];
    if (props.interfaceEndpoints) {
      const services = {
        Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
        SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
        StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
      };
      for (const [name, service] of Object.entries(services)) {
        const endpoint = this.vpc.addInterfaceEndpoint(name, {
          service,
          subnets: this.appSubnets,
          privateDnsEnabled: true,
        });
        acknowledge(endpoint, {
          'AwsSolutions-EC23':
            'The endpoint security group admits HTTPS only from the VPC CIDR (a token nag cannot resolve), ' +
            'not from 0.0.0.0/0.',
        });
        endpoints.push(endpoint);
      }
    }
    this.endpoints = endpoints;
  }
}
