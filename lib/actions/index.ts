export {
  runGuarded,
  formDataToObject,
  type ActionContext,
  type ActionDefinition,
  type ActionOutput,
  type ActionResult,
} from "./guarded";
