;; Single-precision matrix products with 128-bit SIMD: the kernels of the wasm-simd backend.
;;
;; The TypeScript side (matmul.ts) copies operands into this module's memory, calls a
;; kernel and copies the product out. Addresses and strides are in bytes. Kernels compute
;; whole tiles: the caller pads the output and leaves readable memory past each operand,
;; so a ragged edge reads neighbouring (finite) values into rows or columns it discards.

(module
  (memory (export "memory") 1)

  ;; C[m, n] = A[m, k] · B[k, n], m a multiple of 4 and n a multiple of 8, C row-major
  ;; with row stride ldc (every element stored, none read).
  ;;
  ;; A is addressed through strides, so one kernel serves a row-major A, a transposed A
  ;; and A packed in panels of 4 rows: element (i, p) is at
  ;;   a + (i / 4)·panelA + (i mod 4)·rsA + p·csA.
  ;; B likewise, 8 contiguous columns at a time: element (p, j) is at
  ;;   b + (j / 8)·panelB + p·ldb + 4·(j mod 8).
  ;; (Row-major: panelA = 4·rsA, panelB = 32. Packed: rsA = 4, csA = 16, panelA = 16k;
  ;; ldb = 32, panelB = 32k.)
  ;;
  ;; A 4×8 tile of C stays in eight f32x4 registers while p runs: per step, two vector
  ;; loads of B, four broadcast loads of A, eight multiply-adds. The B panel of the
  ;; outer loop is reused by every row panel, so it stays in cache.
  (func (export "gemm")
    (param $a i32) (param $rsA i32) (param $csA i32) (param $panelA i32)
    (param $b i32) (param $ldb i32) (param $panelB i32)
    (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pb i32) (local $pc i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c0a v128) (local $c0b v128)
    (local $c1a v128) (local $c1b v128)
    (local $c2a v128) (local $c2b v128)
    (local $c3a v128) (local $c3b v128)
    (local.set $j (i32.const 0))
    (block $done_j
      (loop $next_j
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $done_i
          (loop $next_i
            (br_if $done_i (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $c0a (v128.const i32x4 0 0 0 0))
            (local.set $c0b (v128.const i32x4 0 0 0 0))
            (local.set $c1a (v128.const i32x4 0 0 0 0))
            (local.set $c1b (v128.const i32x4 0 0 0 0))
            (local.set $c2a (v128.const i32x4 0 0 0 0))
            (local.set $c2b (v128.const i32x4 0 0 0 0))
            (local.set $c3a (v128.const i32x4 0 0 0 0))
            (local.set $c3b (v128.const i32x4 0 0 0 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (local.get $panelA))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $rsA)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $rsA)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $rsA)))
            (local.set $pb (i32.add (local.get $b) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panelB))))
            (local.set $p (local.get $k))
            (block $done_p
              (loop $next_p
                (br_if $done_p (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load offset=0 (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load32_splat (local.get $a0)))
                (local.set $c0a (f32x4.add (local.get $c0a) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c0b (f32x4.add (local.get $c0b) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a1)))
                (local.set $c1a (f32x4.add (local.get $c1a) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c1b (f32x4.add (local.get $c1b) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a2)))
                (local.set $c2a (f32x4.add (local.get $c2a) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c2b (f32x4.add (local.get $c2b) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a3)))
                (local.set $c3a (f32x4.add (local.get $c3a) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c3b (f32x4.add (local.get $c3b) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $csA)))
                (local.set $a1 (i32.add (local.get $a1) (local.get $csA)))
                (local.set $a2 (i32.add (local.get $a2) (local.get $csA)))
                (local.set $a3 (i32.add (local.get $a3) (local.get $csA)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $next_p)))
            (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
            (v128.store offset=0 (local.get $pc) (local.get $c0a))
            (v128.store offset=16 (local.get $pc) (local.get $c0b))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store offset=0 (local.get $pc) (local.get $c1a))
            (v128.store offset=16 (local.get $pc) (local.get $c1b))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store offset=0 (local.get $pc) (local.get $c2a))
            (v128.store offset=16 (local.get $pc) (local.get $c2b))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store offset=0 (local.get $pc) (local.get $c3a))
            (v128.store offset=16 (local.get $pc) (local.get $c3b))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next_i)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $next_j))))

  ;; C[m, n] = A[m, k] · B[n, k]ᵀ, n a multiple of 4: dot products of rows of A with
  ;; rows of B (row strides lda, ldb), both read contiguously — the layer layout x·Wᵀ
  ;; when there are too few rows of A to repay transposing W. One row of A against
  ;; four rows of B per tile, four lanes of p at a time, the k mod 4 tail in scalars.
  (func (export "gemmNT")
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pa i32) (local $pc i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $x v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $y f32) (local $t0 f32) (local $t1 f32) (local $t2 f32) (local $t3 f32)
    (local.set $i (i32.const 0))
    (block $done_i
      (loop $next_i
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $done_j
          (loop $next_j
            (br_if $done_j (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $s0 (v128.const i32x4 0 0 0 0))
            (local.set $s1 (v128.const i32x4 0 0 0 0))
            (local.set $s2 (v128.const i32x4 0 0 0 0))
            (local.set $s3 (v128.const i32x4 0 0 0 0))
            (local.set $t0 (f32.const 0)) (local.set $t1 (f32.const 0)) (local.set $t2 (f32.const 0)) (local.set $t3 (f32.const 0))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $ldb)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $ldb)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $ldb)))
            (local.set $p (local.get $k))
            (block $done_p
              (loop $next_p
                (br_if $done_p (i32.lt_u (local.get $p) (i32.const 4)))
                (local.set $x (v128.load (local.get $pa)))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $b0)))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load (local.get $b1)))))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load (local.get $b2)))))
                (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load (local.get $b3)))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
                (local.set $b0 (i32.add (local.get $b0) (i32.const 16)))
                (local.set $b1 (i32.add (local.get $b1) (i32.const 16)))
                (local.set $b2 (i32.add (local.get $b2) (i32.const 16)))
                (local.set $b3 (i32.add (local.get $b3) (i32.const 16)))
                (local.set $p (i32.sub (local.get $p) (i32.const 4)))
                (br $next_p)))
            (block $done_tail
              (loop $next_tail
                (br_if $done_tail (i32.eqz (local.get $p)))
                (local.set $y (f32.load (local.get $pa)))
                (local.set $t0 (f32.add (local.get $t0) (f32.mul (local.get $y) (f32.load (local.get $b0)))))
                (local.set $t1 (f32.add (local.get $t1) (f32.mul (local.get $y) (f32.load (local.get $b1)))))
                (local.set $t2 (f32.add (local.get $t2) (f32.mul (local.get $y) (f32.load (local.get $b2)))))
                (local.set $t3 (f32.add (local.get $t3) (f32.mul (local.get $y) (f32.load (local.get $b3)))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                (local.set $b0 (i32.add (local.get $b0) (i32.const 4)))
                (local.set $b1 (i32.add (local.get $b1) (i32.const 4)))
                (local.set $b2 (i32.add (local.get $b2) (i32.const 4)))
                (local.set $b3 (i32.add (local.get $b3) (i32.const 4)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $next_tail)))
            (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
            (f32.store offset=0 (local.get $pc) (f32.add (local.get $t0) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0))) (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0))))))
            (f32.store offset=4 (local.get $pc) (f32.add (local.get $t1) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s1)) (f32x4.extract_lane 1 (local.get $s1))) (f32.add (f32x4.extract_lane 2 (local.get $s1)) (f32x4.extract_lane 3 (local.get $s1))))))
            (f32.store offset=8 (local.get $pc) (f32.add (local.get $t2) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s2)) (f32x4.extract_lane 1 (local.get $s2))) (f32.add (f32x4.extract_lane 2 (local.get $s2)) (f32x4.extract_lane 3 (local.get $s2))))))
            (f32.store offset=12 (local.get $pc) (f32.add (local.get $t3) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s3)) (f32x4.extract_lane 1 (local.get $s3))) (f32.add (f32x4.extract_lane 2 (local.get $s3)) (f32x4.extract_lane 3 (local.get $s3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $next_j)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next_i))))
)
