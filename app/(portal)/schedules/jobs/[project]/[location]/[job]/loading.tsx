export { default } from "../../../../../loading";
