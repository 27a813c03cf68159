(module
  ;; Hex encoding and decoding with 128-bit SIMD for @sync/crypto-envelope; src/hex-wasm.ts
  ;; holds this module compiled (pnpm --filter @sync/crypto-envelope build:wasm, wat2wasm
  ;; from Debian's wabt). Bytes 0-15 of the memory hold the digits "0123456789abcdef"; callers
  ;; use the rest.
  (memory (export "memory") 1)
  (data (i32.const 0) "0123456789abcdef")

  ;; encode(src, n, dst): writes the 2n lower-case hex digits of the n bytes at src to dst
  (func (export "encode") (param $src i32) (param $n i32) (param $dst i32)
    (local $v v128) (local $hi v128) (local $lo v128) (local $tbl v128) (local $end i32) (local $b i32)
    (local.set $tbl (v128.load (i32.const 0)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const -16))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $v (v128.load (local.get $src)))
      (local.set $hi (i8x16.swizzle (local.get $tbl) (i8x16.shr_u (local.get $v) (i32.const 4))))
      (local.set $lo (i8x16.swizzle (local.get $tbl) (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))))
      (v128.store (local.get $dst)
        (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $hi) (local.get $lo)))
      (v128.store offset=16 (local.get $dst)
        (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $hi) (local.get $lo)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
      (br $next)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const 15))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $b (i32.load8_u (local.get $src)))
      (i32.store8 (local.get $dst) (i32.load8_u (i32.shr_u (local.get $b) (i32.const 4))))
      (i32.store8 offset=1 (local.get $dst) (i32.load8_u (i32.and (local.get $b) (i32.const 15))))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
      (br $next))))

  ;; decode(src, n, dst) -> 0 when the n digits at src (n even; either case) were all hex and
  ;; their n/2 bytes are at dst, 1 when any digit was not hex (dst then holds garbage)
  (func (export "decode") (param $src i32) (param $n i32) (param $dst i32) (result i32)
    (local $a v128) (local $b v128) (local $d v128) (local $l v128) (local $okd v128) (local $okl v128)
    (local $bad v128) (local $end i32) (local $c i32) (local $hi i32) (local $lo i32) (local $badt i32)
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const -32))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $a (v128.load (local.get $src)))
      (local.set $b (v128.load offset=16 (local.get $src)))
      
    (local.set $d (i8x16.sub (local.get $a) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48)))
    (local.set $l (i8x16.sub (v128.or (local.get $a) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)) (v128.const i8x16 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97)))
    (local.set $okd (i8x16.lt_u (local.get $d) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
    (local.set $okl (i8x16.lt_u (local.get $l) (v128.const i8x16 6 6 6 6 6 6 6 6 6 6 6 6 6 6 6 6)))
    (local.set $bad (v128.or (local.get $bad) (v128.not (v128.or (local.get $okd) (local.get $okl)))))
    (local.set $a (v128.bitselect (local.get $d) (i8x16.add (local.get $l) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)) (local.get $okd)))
      
    (local.set $d (i8x16.sub (local.get $b) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48)))
    (local.set $l (i8x16.sub (v128.or (local.get $b) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)) (v128.const i8x16 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97)))
    (local.set $okd (i8x16.lt_u (local.get $d) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
    (local.set $okl (i8x16.lt_u (local.get $l) (v128.const i8x16 6 6 6 6 6 6 6 6 6 6 6 6 6 6 6 6)))
    (local.set $bad (v128.or (local.get $bad) (v128.not (v128.or (local.get $okd) (local.get $okl)))))
    (local.set $b (v128.bitselect (local.get $d) (i8x16.add (local.get $l) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)) (local.get $okd)))
      (v128.store (local.get $dst)
        (v128.or
          (i8x16.shl (i8x16.shuffle 0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 (local.get $a) (local.get $b)) (i32.const 4))
          (i8x16.shuffle 1 3 5 7 9 11 13 15 17 19 21 23 25 27 29 31 (local.get $a) (local.get $b))))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const 31))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $hi (call $digit (i32.load8_u (local.get $src))))
      (local.set $lo (call $digit (i32.load8_u offset=1 (local.get $src))))
      (local.set $badt (i32.or (local.get $badt) (i32.or (local.get $hi) (local.get $lo))))
      (i32.store8 (local.get $dst) (i32.or (i32.shl (local.get $hi) (i32.const 4)) (local.get $lo)))
      (local.set $src (i32.add (local.get $src) (i32.const 2)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (br $next)))
    (i32.or (v128.any_true (local.get $bad)) (i32.ne (i32.and (local.get $badt) (i32.const 256)) (i32.const 0))))

  ;; one digit's value, or 256 when it is not a hex digit
  (func $digit (param $c i32) (result i32)
    (local $d i32) (local $l i32)
    (local.set $d (i32.sub (local.get $c) (i32.const 48)))
    (if (i32.lt_u (local.get $d) (i32.const 10)) (then (return (local.get $d))))
    (local.set $l (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)))
    (if (i32.lt_u (local.get $l) (i32.const 6)) (then (return (i32.add (local.get $l) (i32.const 10)))))
    (i32.const 256)))
