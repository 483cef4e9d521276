import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Percentages of the budget at which actual and forecast spend alert. */
export const BUDGET_ALERT_PERCENTAGES = [80, 100] as const;
/** AWS Budgets allows five notifications per budget (CreateBudget). */
export const MAX_BUDGET_NOTIFICATIONS = 5;

export interface MonthlyBudgetProps {
  readonly budgetName: string;
  readonly amountUsd: number;
  /** Cost-allocation tag the budget counts (activate it in Billing once; untagged spend is not counted). */
  readonly tag: { readonly key: string; readonly value: string };
  /** Its policy must let budgets.amazonaws.com publish, its key let it encrypt (AlertTopics does both). */
  readonly topic: sns.ITopic;
}

/** A monthly cost budget of one environment's tagged spend: actual and forecast alerts at 80 % and 100 %. */
export class MonthlyBudget extends Construct {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: MonthlyBudgetProps) {
    super(scope, id);
    const notifications = (['ACTUAL', 'FORECASTED'] as const).flatMap((notificationType) =>
      BUDGET_ALERT_PERCENTAGES.map((threshold) => ({
        notification: {
          notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: [{ subscriptionType: 'SNS', address: props.topic.topicArn }],
      })),
    );
    if (notifications.length > MAX_BUDGET_NOTIFICATIONS) {
      throw new Error(
        `a budget has at most ${MAX_BUDGET_NOTIFICATIONS} notifications, got ${notifications.length}`,
      );
    }
    this.budget = new budgets.CfnBudget(this, 'Resource', {
      budget: {
        budgetName: props.budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.amountUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:${props.tag.key}$${props.tag.value}`] },
      },
      notificationsWithSubscribers: notifications,
    });
  }
}
