/**
 * The migration operations (Django's `django.db.migrations.operations`) and
 * the registry that builds them from migration files.
 */
export type { Deconstructed, Operation, OptimizerHints } from "./base";
export { BaseOperation, canMigrate, fieldReferences, operationToCall, resolveRelation } from "./common";
export { AddField, AlterField, FieldOperation, RemoveField, RenameField, isFieldOperation } from "./fields";
export { AddConstraint, AddIndex, IndexOperation, RemoveConstraint, RemoveIndex, RenameIndex } from "./indexes";
export {
  AlterIndexTogether, AlterModelOptions, AlterModelTable, AlterTogetherOptionOperation, AlterUniqueTogether,
  ModelOptionOperation,
} from "./model-options";
export { CreateModel, DeleteModel, ModelOperation, RenameModel } from "./models";
export { AlterOrderWithRespectTo, ORDER_FIELD } from "./order-wrt";
export { OPTION_ORDER, optionsFromValue, optionsToValue } from "./options";
export { OPERATION_KINDS, operationFromCall } from "./registry";
export { type CodeRunner, RunCode, RunSQL, SeparateDatabaseAndState, type SqlSource, codeSource } from "./special";
