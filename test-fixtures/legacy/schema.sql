-- A database written by hand (not by tsmigrate or Django), for the inspectdb
-- tests: awkward column names, an unknown type, defaults, a self reference,
-- two foreign keys to one table, a one-to-one primary key, indexes of every
-- shape (descending, partial, expression), unique and check constraints.
CREATE TABLE "person" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "Full Name" varchar(80) NOT NULL,
  "class" varchar(10) NULL,
  "2fast" bool NOT NULL DEFAULT 0,
  "a__b" integer NULL,
  "salary" money NULL,
  "code" char(8) NOT NULL UNIQUE,
  "mentor_id" integer NULL REFERENCES "person" ("id") ON DELETE SET NULL,
  "created" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "code_not_empty" CHECK ("code" <> '' AND "a__b" >= 0)
);
CREATE TABLE "message" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "sender_id" integer NOT NULL REFERENCES "person" ("id") ON DELETE CASCADE,
  "recipient_id" integer NOT NULL REFERENCES "person" ("id") ON DELETE RESTRICT,
  "body" text NOT NULL,
  "sent" date NULL,
  "score" real NOT NULL DEFAULT -1.5,
  "label" varchar(20) NOT NULL DEFAULT 'x'
);
CREATE INDEX "message_sender_id" ON "message" ("sender_id");
CREATE INDEX "message_sent_score" ON "message" ("sent" DESC, "score");
CREATE INDEX "message_recent" ON "message" ("sent") WHERE "score" > 0;
CREATE UNIQUE INDEX "message_pair" ON "message" ("sender_id", "recipient_id");
CREATE INDEX "message_lower_label" ON "message" (lower("label"));
CREATE TABLE "passport" (
  "person_id" integer NOT NULL PRIMARY KEY REFERENCES "person" ("id"),
  "number" varchar(20) NOT NULL
);
