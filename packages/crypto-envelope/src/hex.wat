(module
  ;; Hex encoding and decoding with 128-bit SIMD for @sync/crypto-envelope; src/hex-wasm.ts
  ;; holds this module compiled (pnpm --filter @sync/crypto-envelope build:wasm, wat2wasm
  ;; from Debian's wabt). Bytes 0-127 of the memory hold the digits "0123456789abcdef" and
  ;; the constants below; callers use the rest.
  (memory (export "memory") 1)
  (data (i32.const 0) "0123456789abcdef")
  ;; the constants of the loops below, 16 bytes each, loaded into locals before the loop:
  ;; TurboFan rebuilds a v128.const (or a local set to one) with three instructions at every
  ;; use inside a loop, while a value loaded from memory stays in a register.
  (data (i32.const 16) "\20\20\20\20\20\20\20\20\20\20\20\20\20\20\20\20")  ;; 0x20
  (data (i32.const 32) "aaaaaaaaaaaaaaaa")
  (data (i32.const 48) "\05\05\05\05\05\05\05\05\05\05\05\05\05\05\05\05")
  (data (i32.const 64) "0000000000000000")
  (data (i32.const 80) "\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09")
  (data (i32.const 96) "\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f\0f")
  (data (i32.const 112) "\f0\00\f0\00\f0\00\f0\00\f0\00\f0\00\f0\00\f0\00")  ;; i16 0x00f0

  ;; encode(src, n, dst): writes the 2n lower-case hex digits of the n bytes at src to dst
  (func (export "encode") (param $src i32) (param $n i32) (param $dst i32)
    (local $v v128) (local $hi v128) (local $lo v128) (local $tbl v128) (local $k15 v128)
    (local $end i32) (local $b i32)
    (local.set $tbl (v128.load (i32.const 0)))
    (local.set $k15 (v128.load (i32.const 96)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const -16))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $v (v128.load (local.get $src)))
      (local.set $hi (i8x16.swizzle (local.get $tbl) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $k15))))
      (local.set $lo (i8x16.swizzle (local.get $tbl) (v128.and (local.get $v) (local.get $k15))))
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
  ;; their n/2 bytes are at dst, 1 when any digit was not hex (dst then holds garbage).
  ;; A digit c is valid when c - '0' <= 9 or (c | 0x20) - 'a' <= 5 (bytes, wrapping); its value
  ;; is (c & 15), plus 9 for a letter. Each 16-bit lane then holds one pair, high digit in its
  ;; low byte: (lane << 4 & 0xf0) | lane >> 8 is the byte, and a narrowing packs 16 of them.
  (func (export "decode") (param $src i32) (param $n i32) (param $dst i32) (result i32)
    (local $a v128) (local $b v128) (local $l v128) (local $okl v128) (local $good v128)
    (local $k20 v128) (local $ka v128) (local $k5 v128) (local $k0 v128) (local $k9 v128)
    (local $k15 v128) (local $kf0 v128)
    (local $end i32) (local $hi i32) (local $lo i32) (local $badt i32)
    (local.set $good (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1))
    (local.set $k20 (v128.load (i32.const 16)))
    (local.set $ka (v128.load (i32.const 32)))
    (local.set $k5 (v128.load (i32.const 48)))
    (local.set $k0 (v128.load (i32.const 64)))
    (local.set $k9 (v128.load (i32.const 80)))
    (local.set $k15 (v128.load (i32.const 96)))
    (local.set $kf0 (v128.load (i32.const 112)))
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $n) (i32.const -32))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $a (v128.load (local.get $src)))
      (local.set $b (v128.load offset=16 (local.get $src)))
      (local.set $l (i8x16.sub (v128.or (local.get $a) (local.get $k20)) (local.get $ka)))
      (local.set $okl (i8x16.le_u (local.get $l) (local.get $k5)))
      (local.set $good (v128.and (local.get $good)
        (v128.or (local.get $okl) (i8x16.le_u (i8x16.sub (local.get $a) (local.get $k0)) (local.get $k9)))))
      (local.set $a (i8x16.add (v128.and (local.get $a) (local.get $k15)) (v128.and (local.get $okl) (local.get $k9))))
      (local.set $a (v128.or (v128.and (i16x8.shl (local.get $a) (i32.const 4)) (local.get $kf0))
        (i16x8.shr_u (local.get $a) (i32.const 8))))
      (local.set $l (i8x16.sub (v128.or (local.get $b) (local.get $k20)) (local.get $ka)))
      (local.set $okl (i8x16.le_u (local.get $l) (local.get $k5)))
      (local.set $good (v128.and (local.get $good)
        (v128.or (local.get $okl) (i8x16.le_u (i8x16.sub (local.get $b) (local.get $k0)) (local.get $k9)))))
      (local.set $b (i8x16.add (v128.and (local.get $b) (local.get $k15)) (v128.and (local.get $okl) (local.get $k9))))
      (local.set $b (v128.or (v128.and (i16x8.shl (local.get $b) (i32.const 4)) (local.get $kf0))
        (i16x8.shr_u (local.get $b) (i32.const 8))))
      (v128.store (local.get $dst) (i8x16.narrow_i16x8_u (local.get $a) (local.get $b)))
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
    (i32.or (i32.eqz (i8x16.all_true (local.get $good))) (i32.ne (i32.and (local.get $badt) (i32.const 256)) (i32.const 0))))

  ;; one digit's value, or 256 when it is not a hex digit
  (func $digit (param $c i32) (result i32)
    (local $d i32) (local $l i32)
    (local.set $d (i32.sub (local.get $c) (i32.const 48)))
    (if (i32.lt_u (local.get $d) (i32.const 10)) (then (return (local.get $d))))
    (local.set $l (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)))
    (if (i32.lt_u (local.get $l) (i32.const 6)) (then (return (i32.add (local.get $l) (i32.const 10)))))
    (i32.const 256)))
