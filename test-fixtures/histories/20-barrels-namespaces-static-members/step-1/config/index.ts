// A barrel: re-exports followed by the type checker.
export * from "./limits";
export { Tables } from "./tables";
export { Tables as T } from "./tables";
