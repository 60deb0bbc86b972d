// Makes sure the system packages the tests need are present: Django 3.2
// (Debian's python3-django), which the schema-comparison tests run as the
// reference. Installs it with apt-get when running as root; otherwise says
// what to install and fails.
import { spawnSync } from "node:child_process";

const hasDjango = () =>
  spawnSync("/usr/bin/python3", ["-c", "import django; assert django.VERSION[:2] == (3, 2)"], { stdio: "ignore" }).status === 0;

if (!hasDjango()) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    console.error("Django 3.2 is needed by the tests: sudo apt-get install python3-django");
    process.exit(1);
  }
  console.log("Installing Debian's python3-django (Django 3.2) for the comparison tests...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "python3-django"]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  if (!hasDjango()) {
    console.error("python3-django installed, but /usr/bin/python3 cannot import Django 3.2");
    process.exit(1);
  }
}
