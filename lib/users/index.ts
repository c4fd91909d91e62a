export { listUsers, type UserRow } from "./list";
export { changeRole } from "./change-role";
export { ChangeRoleInput } from "./schemas";
