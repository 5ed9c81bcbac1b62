/** The plan model: parse EXPLAIN output, derive figures and warnings, compare, summarise. Pure. */
export { K, type RawNode } from './keys';
export * from './model';
export { analyzePlan, analyzePlanWith, planCatalogNames, type PlanCatalogNames, type PlanFactLists, type PlanTipInputs } from './analyze';
export { parsePlanSource, parseTextPlan, PlanParseError } from './parse';
export { readPlanLog, pickLoggedPlan, type LoggedPlan } from './log';
export { afterNowOffers, comparePlans, compareSubject, incomparableReason, inTimeOrder, onePlanOpenLine, planNowOffer, secondPlanWays, statementDoubt, withProvedIndexes, type ComparedRun } from './compare';
export { briefPlan, briefMarkdown, briefText, planText, writeRows } from './brief';
export { ADVICE_PENDING, deleteOrUpdate, foreignKeyTriggerCalls, nodeLabel, oneOffWrite, oneOffWriteWhy, RECURRING_CALLS } from './warnings';
export * from './format';
