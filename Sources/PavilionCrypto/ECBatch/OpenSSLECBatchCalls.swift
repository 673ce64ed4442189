internal import COpenSSL

/// Raw OpenSSL calls behind ``ECSimplifiedSWU`` and ``ECFixedBaseTable``:
/// long-lived `BN_CTX`, `BN_MONT_CTX` and temporaries so that a batch of
/// millions of hashes or multiplications does not allocate per operation.
/// `BIGNUM`, `BN_CTX` and `EC_GROUP` handles stay in this file and in the
/// two owning classes.
final class OpenSSLSWUWorkspace {
    let group: OpaquePointer
    let ctx: OpaquePointer
    let mont: OpaquePointer
    let p: OpaquePointer, a: OpaquePointer, b: OpaquePointer, z: OpaquePointer
    let c1: OpaquePointer, c2: OpaquePointer, one: OpaquePointer
    // Temporaries, reused by every map.
    private let t: [OpaquePointer]
    private let fieldLength: Int

    init(group: OpaquePointer, zMagnitude: UInt64, fieldLength: Int) throws(CryptoError) {
        ERR_clear_error()
        self.group = group
        self.fieldLength = fieldLength
        guard let ctx = BN_CTX_new() else { throw OpenSSL.fail("BN_CTX_new") }
        self.ctx = ctx
        var made: [OpaquePointer] = []
        for _ in 0..<28 {
            guard let n = BN_new() else {
                made.forEach { BN_clear_free($0) }
                BN_CTX_free(ctx)
                throw OpenSSL.fail("BN_new")
            }
            made.append(n)
        }
        (p, a, b, z, c1, c2, one) = (made[0], made[1], made[2], made[3], made[4], made[5], made[6])
        t = Array(made[7...])
        guard let mont = BN_MONT_CTX_new() else {
            made.forEach { BN_clear_free($0) }
            BN_CTX_free(ctx)
            throw OpenSSL.fail("BN_MONT_CTX_new")
        }
        self.mont = mont
        // From here on deinit frees everything.
        guard EC_GROUP_get_curve(group, p, a, b, ctx) == 1 else { throw OpenSSL.fail("EC_GROUP_get_curve") }
        guard BN_MONT_CTX_set(mont, p, ctx) == 1 else { throw OpenSSL.fail("BN_MONT_CTX_set") }
        // Z = -zMagnitude mod p; c1 = (p - 3) / 4; c2 = sqrt(-Z) = (zMagnitude)^((p + 1) / 4).
        guard BN_set_word(one, 1) == 1, BN_set_word(t[0], UInt(zMagnitude)) == 1, BN_sub(z, p, t[0]) == 1 else { throw OpenSSL.fail("BN_sub") }
        guard BN_copy(c1, p) != nil, BN_sub_word(c1, 3) == 1, BN_rshift(c1, c1, 2) == 1 else { throw OpenSSL.fail("BN_rshift") }
        guard BN_copy(t[1], p) != nil, BN_add_word(t[1], 1) == 1, BN_rshift(t[1], t[1], 2) == 1,
              BN_mod_exp_mont(c2, t[0], t[1], p, ctx, mont) == 1 else { throw OpenSSL.fail("BN_mod_exp_mont") }
        guard BN_mod_sqr(t[2], c2, p, ctx) == 1, BN_cmp(t[2], t[0]) == 0 else {
            throw CryptoError(call: "BN_mod_exp_mont", reason: "-Z is not a square: not an SSWU constant for this curve")
        }
    }

    deinit {
        ([p, a, b, z, c1, c2, one] + t).forEach { BN_clear_free($0) }
        BN_MONT_CTX_free(mont)
        BN_CTX_free(ctx)
    }

    private func check(_ ok: Int32, _ call: String) throws(CryptoError) {
        guard ok == 1 else { throw OpenSSL.fail(call) }
    }

    /// `r = -x mod p` for `x` in `0..<p`.
    private func negate(_ r: OpaquePointer, _ x: OpaquePointer) throws(CryptoError) {
        if BN_is_zero(x) == 1 { BN_zero_ex(r) } else { try check(BN_sub(r, p, x), "BN_sub") }
    }

    /// `map_to_curve_simple_swu(u)` up to step 24 (RFC 9380 Appendix F.2,
    /// `sqrt_ratio` for `q ≡ 3 (mod 4)`); leaves `x = xn / xd` in
    /// `(xn, xd)` and `y` in `yOut`, so the caller can share one inversion.
    private func map(_ u: OpaquePointer, xn: OpaquePointer, xd: OpaquePointer, yOut: OpaquePointer) throws(CryptoError) {
        let (tv1, tv2, tv3, tv4, tv5, tv6, x, y, y1, y2, s1, s2) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11])
        try check(BN_mod_sqr(tv1, u, p, ctx), "BN_mod_sqr")              // 1. tv1 = u^2
        try check(BN_mod_mul(tv1, z, tv1, p, ctx), "BN_mod_mul")         // 2. tv1 = Z * tv1
        try check(BN_mod_sqr(tv2, tv1, p, ctx), "BN_mod_sqr")            // 3. tv2 = tv1^2
        try check(BN_mod_add(tv2, tv2, tv1, p, ctx), "BN_mod_add")       // 4. tv2 = tv2 + tv1
        try check(BN_mod_add(tv3, tv2, one, p, ctx), "BN_mod_add")       // 5. tv3 = tv2 + 1
        try check(BN_mod_mul(tv3, b, tv3, p, ctx), "BN_mod_mul")         // 6. tv3 = B * tv3
        if BN_is_zero(tv2) == 1 {                                        // 7. tv4 = CMOV(Z, -tv2, tv2 != 0)
            guard BN_copy(tv4, z) != nil else { throw OpenSSL.fail("BN_copy") }
        } else {
            try negate(tv4, tv2)
        }
        try check(BN_mod_mul(tv4, a, tv4, p, ctx), "BN_mod_mul")         // 8. tv4 = A * tv4
        try check(BN_mod_sqr(tv2, tv3, p, ctx), "BN_mod_sqr")            // 9. tv2 = tv3^2
        try check(BN_mod_sqr(tv6, tv4, p, ctx), "BN_mod_sqr")            // 10. tv6 = tv4^2
        try check(BN_mod_mul(tv5, a, tv6, p, ctx), "BN_mod_mul")         // 11. tv5 = A * tv6
        try check(BN_mod_add(tv2, tv2, tv5, p, ctx), "BN_mod_add")       // 12. tv2 = tv2 + tv5
        try check(BN_mod_mul(tv2, tv2, tv3, p, ctx), "BN_mod_mul")       // 13. tv2 = tv2 * tv3
        try check(BN_mod_mul(tv6, tv6, tv4, p, ctx), "BN_mod_mul")       // 14. tv6 = tv6 * tv4
        try check(BN_mod_mul(tv5, b, tv6, p, ctx), "BN_mod_mul")         // 15. tv5 = B * tv6
        try check(BN_mod_add(tv2, tv2, tv5, p, ctx), "BN_mod_add")       // 16. tv2 = tv2 + tv5
        try check(BN_mod_mul(x, tv1, tv3, p, ctx), "BN_mod_mul")         // 17. x = tv1 * tv3
        // 18. (is_gx1_square, y1) = sqrt_ratio(tv2, tv6), F.2.1.2 steps 1-10.
        try check(BN_mod_sqr(s1, tv6, p, ctx), "BN_mod_sqr")             //   tv1' = v^2
        try check(BN_mod_mul(s2, tv2, tv6, p, ctx), "BN_mod_mul")        //   tv2' = u * v
        try check(BN_mod_mul(s1, s1, s2, p, ctx), "BN_mod_mul")          //   tv1' = tv1' * tv2'
        try check(BN_mod_exp_mont(y1, s1, c1, p, ctx, mont), "BN_mod_exp_mont")  // y1 = tv1'^c1
        try check(BN_mod_mul(y1, y1, s2, p, ctx), "BN_mod_mul")          //   y1 = y1 * tv2'
        try check(BN_mod_mul(y2, y1, c2, p, ctx), "BN_mod_mul")          //   y2 = y1 * c2
        try check(BN_mod_sqr(s1, y1, p, ctx), "BN_mod_sqr")              //   tv3' = y1^2
        try check(BN_mod_mul(s1, s1, tv6, p, ctx), "BN_mod_mul")         //   tv3' = tv3' * v
        let isSquare = BN_cmp(s1, tv2) == 0                              //   isQR = tv3' == u
        let root = isSquare ? y1 : y2                                    //   y = CMOV(y2, y1, isQR)
        try check(BN_mod_mul(y, tv1, u, p, ctx), "BN_mod_mul")           // 19. y = tv1 * u
        try check(BN_mod_mul(y, y, root, p, ctx), "BN_mod_mul")          // 20. y = y * y1
        guard BN_copy(xn, isSquare ? tv3 : x) != nil,                    // 21. x = CMOV(x, tv3, is_gx1_square)
              BN_copy(yOut, isSquare ? root : y) != nil else { throw OpenSSL.fail("BN_copy") }  // 22.
        if (BN_is_odd(u) == 1) != (BN_is_odd(yOut) == 1) {               // 23-24. y = CMOV(-y, y, sgn0(u) == sgn0(y))
            guard BN_copy(y, yOut) != nil else { throw OpenSSL.fail("BN_copy") }
            try negate(yOut, y)
        }
        guard BN_copy(xd, tv4) != nil else { throw OpenSSL.fail("BN_copy") }  // 25. x = x / tv4 (done by the caller)
    }

    /// `hash_to_field` reduction of two `L`-byte chunks, two maps, one
    /// shared inversion of both denominators, and the point addition.
    /// - Returns: a new `EC_POINT` owned by the caller.
    func hashToCurve(uniform: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let length = fieldLength
        guard uniform.count == 2 * length else {
            throw CryptoError(call: "BN_bin2bn", reason: "hash_to_curve takes \(2 * length) uniform bytes, got \(uniform.count)")
        }
        let (u0, u1, xn0, xd0, y0, xn1, xd1, y1, inv, x0, x1) = (t[12], t[13], t[14], t[15], t[16], t[17], t[18], t[19], t[20], t[14], t[17])
        let loaded = uniform.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return BN_bin2bn(base, Int32(length), t[12]) != nil && BN_bin2bn(base + length, Int32(length), t[13]) != nil
        }
        guard loaded else { throw OpenSSL.fail("BN_bin2bn") }
        try check(BN_nnmod(u0, u0, p, ctx), "BN_nnmod")
        try check(BN_nnmod(u1, u1, p, ctx), "BN_nnmod")
        try map(u0, xn: xn0, xd: xd0, yOut: y0)
        try map(u1, xn: xn1, xd: xd1, yOut: y1)
        // One inversion: inv = (xd0·xd1)^-1; x0 = xn0·xd1·inv, x1 = xn1·xd0·inv.
        // tv4 = A·CMOV(Z, -tv2) is never zero (A ≠ 0, Z ≠ 0).
        try check(BN_mod_mul(inv, xd0, xd1, p, ctx), "BN_mod_mul")
        guard BN_mod_inverse(inv, inv, p, ctx) != nil else { throw OpenSSL.fail("BN_mod_inverse") }
        try check(BN_mod_mul(xd1, xd1, inv, p, ctx), "BN_mod_mul")      // 1/xd0
        try check(BN_mod_mul(xd0, xd0, inv, p, ctx), "BN_mod_mul")      // 1/xd1
        try check(BN_mod_mul(x0, xn0, xd1, p, ctx), "BN_mod_mul")
        try check(BN_mod_mul(x1, xn1, xd0, p, ctx), "BN_mod_mul")
        guard let q0 = EC_POINT_new(group) else { throw OpenSSL.fail("EC_POINT_new") }
        defer { EC_POINT_free(q0) }
        guard let q1 = EC_POINT_new(group) else { throw OpenSSL.fail("EC_POINT_new") }
        defer { EC_POINT_free(q1) }
        try check(EC_POINT_set_affine_coordinates(group, q0, x0, y0, ctx), "EC_POINT_set_affine_coordinates")
        try check(EC_POINT_set_affine_coordinates(group, q1, x1, y1, ctx), "EC_POINT_set_affine_coordinates")
        guard let r = EC_POINT_new(group) else { throw OpenSSL.fail("EC_POINT_new") }
        guard EC_POINT_add(group, r, q0, q1, ctx) == 1 else { EC_POINT_free(r); throw OpenSSL.fail("EC_POINT_add") }
        return r
    }
}

/// A copy of a group whose generator is another point, with OpenSSL's
/// precomputed multiples of it (`EC_GROUP_dup`, `EC_GROUP_set_generator`,
/// `EC_GROUP_precompute_mult`).
final class OpenSSLFixedBaseGroup: @unchecked Sendable {
    // @unchecked: never mutated after `init`; `EC_POINT_mul` only reads the
    // group and its precomputed table.
    let group: OpaquePointer

    init(group source: OpaquePointer, base: OpaquePointer) throws(CryptoError) {
        ERR_clear_error()
        guard let copy = EC_GROUP_dup(source) else { throw OpenSSL.fail("EC_GROUP_dup") }
        group = copy
        guard let order = EC_GROUP_get0_order(source), let cofactor = EC_GROUP_get0_cofactor(source) else {
            throw OpenSSL.fail("EC_GROUP_get0_order")
        }
        guard EC_GROUP_set_generator(copy, base, order, cofactor) == 1 else { throw OpenSSL.fail("EC_GROUP_set_generator") }
        guard let ctx = BN_CTX_new() else { throw OpenSSL.fail("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        guard EC_GROUP_precompute_mult(copy, ctx) == 1 else { throw OpenSSL.fail("EC_GROUP_precompute_mult") }
    }

    deinit { EC_GROUP_free(group) }

    /// `k·base`, a single-term `EC_POINT_mul` on the generator slot.
    func multiply(_ scalar: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let r = EC_POINT_new(group) else { throw OpenSSL.fail("EC_POINT_new") }
        guard let ctx = BN_CTX_new() else { EC_POINT_free(r); throw OpenSSL.fail("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        guard EC_POINT_mul(group, r, scalar, nil, nil, ctx) == 1 else { EC_POINT_clear_free(r); throw OpenSSL.fail("EC_POINT_mul") }
        return r
    }
}
