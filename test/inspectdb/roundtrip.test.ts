// The adoption path on every history of test-fixtures/histories, on SQLite
// (roundtrip-cases.ts; test/postgres/inspectdb-roundtrip.test.ts runs the
// same on PostgreSQL).
import { SQLITE } from "./helpers";
import { roundTripTests } from "./roundtrip-cases";

roundTripTests(SQLITE);
