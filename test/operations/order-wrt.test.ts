/**
 * AlterOrderWithRespectTo and the `_order` column (Django 3.2's
 * `operations/models.py`, `autodetector.py`): the operation as written and
 * read back, its state, the optimizer's folding into CreateModel, the
 * autodetector's operations and order (Django's own output for the same
 * models, pasted), and the SQL on SQLite against Django's `sqlmigrate`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ts } from "ts-morph";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { Migration } from "../../server/src/engine/migration";
import {
  AddField, AlterOrderWithRespectTo, CreateModel, DeleteModel, RemoveField, operationFromCall, operationToCall,
} from "../../server/src/engine/operations/index";
import type { Operation } from "../../server/src/engine/operations/base";
import { optimize } from "../../server/src/engine/optimizer";
import { parseSource, readValue } from "../../server/src/engine/source/read";
import { ModelState, ProjectState } from "../../server/src/engine/state";
import { CallValue } from "../../server/src/engine/values";
import { serializeValue } from "../../server/src/engine/writer";
import { ScriptedQuestioner, detect, modelsState, summary } from "../autodetector-helpers";
import { char, fk, id } from "./helpers";

/** The operation written as a migration file writes it, then read back as the loader reads it. */
function roundTrip(op: Operation): Operation {
  const code = serializeValue(operationToCall(op));
  const sf = parseSource("/p/poll/migrations/0002_x.ts", `x = ${code};`);
  const expr = ((sf.statements[0] as ts.ExpressionStatement).expression as ts.BinaryExpression).right;
  return operationFromCall(readValue(expr, sf) as CallValue);
}

const pollState = (answerOptions = {}): ProjectState => new ProjectState([
  new ModelState("poll", "Question", [["id", id], ["text", char()]]),
  new ModelState("poll", "Answer", [["id", id], ["text", char()], ["question", fk("poll.question")]], answerOptions),
]);

describe("AlterOrderWithRespectTo", () => {
  it("is written, read back, described and named as Django's", () => {
    for (const op of [new AlterOrderWithRespectTo("answer", "question"), new AlterOrderWithRespectTo("answer", null)]) {
      assert.equal(serializeValue(operationToCall(op)),
        `migrations.AlterOrderWithRespectTo({ name: "answer", orderWithRespectTo: ${op.orderWithRespectTo === null ? "null" : '"question"'} })`);
      assert.deepEqual(roundTrip(op).deconstruct(), op.deconstruct());
    }
    assert.equal(new AlterOrderWithRespectTo("answer", "question").describe(), "Set order_with_respect_to on answer to question");
    assert.equal(new AlterOrderWithRespectTo("answer", null).describe(), "Set order_with_respect_to on answer to None");
    assert.equal(new AlterOrderWithRespectTo("answer", null).migrationNameFragment, "alter_answer_order_with_respect_to");
    const created = new CreateModel("Answer", [["id", id], ["question", fk("poll.question")]], { orderWithRespectTo: "question" });
    assert.deepEqual(roundTrip(created).deconstruct(), created.deconstruct());
  });

  it("sets and unsets the option in state; a field the model lacks is an error", () => {
    const state = pollState();
    new AlterOrderWithRespectTo("answer", "question").stateForwards("poll", state);
    assert.equal(state.get("poll", "answer")!.options.orderWithRespectTo, "question");
    new AlterOrderWithRespectTo("answer", null).stateForwards("poll", state);
    assert.equal("orderWithRespectTo" in state.get("poll", "answer")!.options, false);
    assert.throws(() => new AlterOrderWithRespectTo("answer", "nope").stateForwards("poll", state), /no field 'nope'/);
  });

  it("references the field it names, or every field when unset (Django's references_field)", () => {
    assert.equal(new AlterOrderWithRespectTo("answer", "question").referencesField("answer", "question", "poll"), true);
    assert.equal(new AlterOrderWithRespectTo("answer", "question").referencesField("answer", "text", "poll"), false);
    assert.equal(new AlterOrderWithRespectTo("answer", null).referencesField("answer", "text", "poll"), true);
  });
});

describe("the optimizer (Django's CreateModel.reduce and ModelOptionOperation.reduce)", () => {
  const create = new CreateModel("Answer", [["id", id], ["text", char()]]);
  it("folds the relation field and the option into CreateModel", () => {
    const out = optimize([create, new AddField("answer", "question", fk("poll.question")), new AlterOrderWithRespectTo("answer", "question")], "poll");
    assert.equal(out.length, 1);
    assert.deepEqual((out[0] as CreateModel).options, { orderWithRespectTo: "question" });
    assert.deepEqual((out[0] as CreateModel).fields.map(([n]) => n), ["id", "text", "question"]);
  });
  it("keeps the last of two, gives way to DeleteModel, and drops the option with its field", () => {
    const two = optimize([new AlterOrderWithRespectTo("answer", "question"), new AlterOrderWithRespectTo("answer", null)], "poll");
    assert.deepEqual(two.map((o) => o.deconstruct()), [new AlterOrderWithRespectTo("answer", null).deconstruct()]);
    assert.deepEqual(optimize([new AlterOrderWithRespectTo("answer", null), new DeleteModel("Answer")], "poll").map((o) => o.describe()), ["Delete model Answer"]);
    const withOption = new CreateModel("Answer", [["id", id], ["question", fk("poll.question")]], { orderWithRespectTo: "question" });
    const dropped = optimize([withOption, new RemoveField("answer", "question")], "poll");
    assert.deepEqual((dropped[0] as CreateModel).options, {});
  });
});

const QUESTION = "export class Question extends models.Model { text = models.CharField({ maxLength: 100 }); }\n";
const PERSON = "export class Person extends models.Model { name = models.CharField({ maxLength: 60 }); }\n";
const answer = (fields: string, wrt?: string): string =>
  `export class Answer extends models.Model {\n${fields}\n${wrt ? `  static Meta = { orderWithRespectTo: "${wrt}" };\n` : ""}}\n`;
const TEXT = "  text = models.CharField({ maxLength: 100 });";
const QUESTION_FK = "  question = models.ForeignKey(Question, { onDelete: models.CASCADE });";
const AUTHOR_FK = "  author = models.ForeignKey(Person, { onDelete: models.CASCADE, null: true });";

describe("the autodetector (Django 3.2's makemigrations output for the same models)", () => {
  it("a created model: CreateModel with the option, the relation field folded in", async () => {
    const changes = await detect(new ProjectState(), modelsState({ poll: QUESTION + answer(`${QUESTION_FK}\n${TEXT}`, "question") }));
    const ops = changes.get("poll")![0]!.operations;
    assert.deepEqual(ops.map((o) => o.describe()), ["Create model Question", "Create model Answer"]);
    assert.deepEqual((ops[1] as CreateModel).options, { orderWithRespectTo: "question" });
  });

  it("moved to a new FK: AddField, AlterOrderWithRespectTo, then RemoveField of the old one", async () => {
    const from = modelsState({ poll: QUESTION + answer(`${QUESTION_FK}\n${TEXT}`, "question") });
    const to = modelsState({ poll: QUESTION + PERSON + answer(`${TEXT}\n${AUTHOR_FK}`, "author") });
    // Django 3.2: Create model Person / Add field author to answer / Set order_with_respect_to on answer to author / Remove field question from answer
    assert.deepEqual(summary(await detect(from, to, undefined, { poll: "0001_initial" })).poll![0]!.operations, [
      "Create model Person", "Add field author to answer", "Set order_with_respect_to on answer to author", "Remove field question from answer",
    ]);
  });

  it("unset and the field removed: the option goes first (order_wrt_unset); set later: after the field", async () => {
    const set = modelsState({ poll: QUESTION + answer(`${QUESTION_FK}\n${TEXT}`, "question") });
    const plain = modelsState({ poll: QUESTION + answer(TEXT) });
    assert.deepEqual(summary(await detect(set, plain, undefined, { poll: "0001_initial" })).poll![0]!.operations,
      ["Set order_with_respect_to on answer to None", "Remove field question from answer"]);
    assert.deepEqual(summary(await detect(plain, set, new ScriptedQuestioner({ notNullAddition: 1 }), { poll: "0001_initial" })).poll![0]!.operations,
      ["Add field question to answer", "Set order_with_respect_to on answer to question"]);
  });
});

describe("SQL on SQLite", () => {
  /** Applies `ops` on `db` (migration state `state`, advanced in place); returns the statements. */
  function apply(db: ReturnType<typeof openSqlite>, state: ProjectState, ops: Operation[], backwards = false): string[] {
    const sql: string[] = [];
    const m = new Migration("poll", "x", { operations: ops });
    if (backwards) m.unapply(state, db.schemaEditor((s) => sql.push(s)));
    else m.apply(state, db.schemaEditor((s) => sql.push(s)));
    for (const s of sql) db.db.exec(s);
    return sql;
  }

  it("CreateModel with the option makes Django's table: _order integer NOT NULL, last", () => {
    const db = openSqlite("t", ":memory:");
    const sql = apply(db, new ProjectState(), [
      new CreateModel("Question", [["id", id], ["text", char()]]),
      new CreateModel("Answer", [["id", id], ["text", char()], ["question", fk("poll.question")]], { orderWithRespectTo: "question" }),
    ]);
    // Django 3.2 sqlmigrate (ON DELETE CASCADE is ours: see docs/models.md).
    assert.ok(sql.includes('CREATE TABLE "poll_answer" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "text" varchar(100) NOT NULL, ' +
      '"question_id" bigint NOT NULL REFERENCES "poll_question" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "_order" integer NOT NULL)'), sql.join("\n"));
  });

  it("adding the option later fills _order with 0 and keeps no DEFAULT; removing it drops the column; both undo", () => {
    const db = openSqlite("t", ":memory:");
    const state = new ProjectState();
    apply(db, state, [new CreateModel("Question", [["id", id], ["text", char()]]),
      new CreateModel("Answer", [["id", id], ["text", char()], ["question", fk("poll.question")]])]);
    db.db.exec(`INSERT INTO poll_question (text) VALUES ('q'); INSERT INTO poll_answer (text, question_id) VALUES ('a', 1)`);
    const columns = (): { name: string; notnull: number; dflt_value: unknown }[] =>
      db.db.prepare("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('poll_answer')").all() as never;
    const before = state.clone();
    apply(db, state, [new AlterOrderWithRespectTo("answer", "question")]);
    assert.deepEqual(columns().at(-1), { name: "_order", notnull: 1, dflt_value: null });
    assert.deepEqual(db.db.prepare("SELECT text, _order FROM poll_answer").all(), [{ text: "a", _order: 0 }]);
    const set = state.clone();
    apply(db, state, [new AlterOrderWithRespectTo("answer", null)]);
    assert.deepEqual(columns().map((c) => c.name), ["id", "text", "question_id"]);
    apply(db, set, [new AlterOrderWithRespectTo("answer", null)], true);
    assert.equal(columns().at(-1)!.name, "_order");
    apply(db, before, [new AlterOrderWithRespectTo("answer", "question")], true);
    assert.deepEqual(columns().map((c) => c.name), ["id", "text", "question_id"]);
    assert.deepEqual(db.db.prepare("SELECT text FROM poll_answer").all(), [{ text: "a" }]);
  });
});
