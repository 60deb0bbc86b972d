import { migrations } from "tsmigrate";

export default migrations.Migration({
  atomic: false,
  dependencies: [["shop", "0002_everything"]],
  runBefore: [["other", "0001_initial"]],
  operations: [
    migrations.RunSQL({ sql: "SELECT 1" }),
  ],
});
