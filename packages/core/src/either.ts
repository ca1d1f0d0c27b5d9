/**
 * fp-ts's `Either`, spelled out so that `@tapestry/core` keeps no runtime dependency:
 * the values are plain `{ _tag: 'Left', left }` / `{ _tag: 'Right', right }` objects,
 * the same as fp-ts's, so they work unchanged with `E.isLeft`, `E.match`, `pipe` and
 * every other fp-ts function.
 */

/** A failure, as fp-ts's `Left`. */
export interface Left<E> {
  /** Discriminant, `'Left'`. */
  readonly _tag: 'Left';
  /** The error. */
  readonly left: E;
}

/** A success, as fp-ts's `Right`. */
export interface Right<A> {
  /** Discriminant, `'Right'`. */
  readonly _tag: 'Right';
  /** The value. */
  readonly right: A;
}

/** A value of type `A` or an error of type `E`; the same shape as fp-ts's `Either`. */
export type Either<E, A> = Left<E> | Right<A>;

/** Internal constructors (users build these with fp-ts's own `left`/`right`). */
export const failure = <E>(left: E): Either<E, never> => ({ _tag: 'Left', left });
/** Internal constructor of a success. */
export const success = <A>(right: A): Either<never, A> => ({ _tag: 'Right', right });
