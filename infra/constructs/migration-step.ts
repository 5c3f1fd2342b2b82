import { Duration } from 'aws-cdk-lib';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { AppFunction } from './app-function.ts';
import { parseUse } from './uses.ts';
import type { Wiring } from './wiring.ts';

/** The migration handler bundled by default (repository-relative). */
export const MIGRATION_HANDLER = 'infra/constructs/migration-handler.ts';

/** Props of {@link MigrationStep}. */
export interface MigrationStepProps {
  readonly wiring: Wiring;
  /** Repository-relative handler module; defaults to {@link MIGRATION_HANDLER}. */
  readonly handler?: string;
  /** Resources that must exist before migrating (the database, VPC endpoints). */
  readonly after: readonly Construct[];
  /** Changing it re-runs the step with an unchanged bundle (`-c assay:migrationRun=…`). */
  readonly run?: string;
}

/**
 * Runs the Kysely migrator during `cdk deploy`: a VPC Lambda bundled with every
 * migration, invoked synchronously by a CDK Trigger (a custom resource) after
 * the database is up. `run` (context `assay:migrationRun`, by default the
 * synthesis time) is part of the function's configuration, so every deploy
 * makes a new version and the trigger runs the migrator again. A thrown error
 * fails the custom resource, so the deploy fails and CloudFormation rolls back.
 */
export class MigrationStep extends Construct {
  readonly function: AppFunction;
  readonly trigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: MigrationStepProps) {
    super(scope, id);
    const handler = props.handler ?? MIGRATION_HANDLER;
    this.function = new AppFunction(this, 'Migrate', {
      spec: { handler, uses: ['db'] },
      kind: 'migration',
      uses: [parseUse('db')],
      description: `Deploy step: runs pending Kysely migrations through RDS Proxy (${handler})`,
      wiring: props.wiring,
    });
    // Part of the function configuration, so a new value makes a new version and the trigger fires.
    if (props.run) this.function.fn.addEnvironment('ASSAY_MIGRATION_RUN', props.run);
    this.trigger = new triggers.Trigger(this, 'Trigger', {
      handler: this.function.fn,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.seconds(this.function.timeoutSeconds + 30),
      executeOnHandlerChange: true,
      executeAfter: [...props.after],
    });
  }

  /** Makes constructs (the application functions) wait until migrations succeeded. */
  before(...scopes: Construct[]): void {
    this.trigger.executeBefore(...scopes);
  }
}
