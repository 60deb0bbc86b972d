// The adoption path on every history of test-fixtures/histories, on
// PostgreSQL: the same tests as on SQLite (test/inspectdb/roundtrip-cases.ts),
// each project on its own database of the test server, the adopted copy on
// a `CREATE DATABASE ... TEMPLATE` copy.
import { POSTGRES } from "../inspectdb/helpers";
import { roundTripTests } from "../inspectdb/roundtrip-cases";

roundTripTests(POSTGRES);
