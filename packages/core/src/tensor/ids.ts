// Tensor identities for the tape. Internal: not exported from the package.

let next = 0;

/** A fresh tensor id; ids are never reused within a process and only increase. */
export function takeTensorId(): number {
  return next++;
}

/** The id the next tensor will get: every tensor created from now on has an id at least this. */
export function peekTensorId(): number {
  return next;
}
