import { randomInt } from "node:crypto";
import { ALPHABETS, type Alphabet } from "./schemas";

/** A uniformly random value from the OS's CSPRNG (randomInt has no modulo bias). */
export function generateValue(length: number, alphabet: Alphabet): string {
  const chars = ALPHABETS[alphabet];
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}
