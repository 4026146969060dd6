/** Undoing a deployment: the deploy library's rollback, as the engine calls it. */
export { rollbackDeployment } from "../../deploy/execute-rollback.js";
