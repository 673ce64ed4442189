internal import COpenSSL

/// Thin internal wrappers over OpenSSL's `EC_GROUP_*`, `EC_POINT_*` and the
/// modular `BN_*` calls the elliptic-curve arithmetic needs. `EC_GROUP`,
/// `EC_POINT` and `BIGNUM` handles cross this file only as `OpaquePointer`s
/// owned by ``ECGroupStorage``, ``ECPointStorage`` and ``BigNumberStorage``.
/// Each call makes its own `BN_CTX` and frees it: a `BN_CTX` is not
/// thread-safe, and the values are shared across tasks.
enum OpenSSLECMath {
    static func fail(_ call: String) -> CryptoError { OpenSSL.fail(call) }

    private static func withContext<T>(_ call: String, _ body: (OpaquePointer) throws(CryptoError) -> T) throws(CryptoError) -> T {
        guard let ctx = BN_CTX_secure_new() else { throw fail("BN_CTX_secure_new") }
        defer { BN_CTX_free(ctx) }
        return try body(ctx)
    }

    // MARK: Groups

    /// The named curve's group (`EC_GROUP_new_by_curve_name`).
    static func newGroup(_ curve: ECCurve) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let nid: Int32
        switch curve {
        case .p256: nid = NID_X9_62_prime256v1
        case .p384: nid = NID_secp384r1
        }
        guard let group = EC_GROUP_new_by_curve_name(nid) else { throw fail("EC_GROUP_new_by_curve_name") }
        return group
    }

    static func freeGroup(_ group: OpaquePointer) { EC_GROUP_free(group) }

    /// A copy of the group order `n` (`EC_GROUP_get0_order`, `BN_dup`).
    static func order(_ group: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        guard let order = EC_GROUP_get0_order(group), let copy = BN_dup(order) else { throw fail("EC_GROUP_get0_order") }
        return copy
    }

    /// The field prime `p` and the coefficients `a`, `b` of
    /// `y² = x³ + a·x + b` (`EC_GROUP_get_curve`).
    static func curveParameters(_ group: OpaquePointer) throws(CryptoError) -> (p: OpaquePointer, a: OpaquePointer, b: OpaquePointer) {
        ERR_clear_error()
        guard let p = BN_new(), let a = BN_new(), let b = BN_new() else { throw fail("BN_new") }
        let ok = try withContext("EC_GROUP_get_curve") { ctx in EC_GROUP_get_curve(group, p, a, b, ctx) == 1 }
        guard ok else {
            BN_clear_free(p); BN_clear_free(a); BN_clear_free(b)
            throw fail("EC_GROUP_get_curve")
        }
        return (p, a, b)
    }

    /// A copy of the generator (`EC_GROUP_get0_generator`, `EC_POINT_dup`).
    static func generator(_ group: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        guard let g = EC_GROUP_get0_generator(group), let copy = EC_POINT_dup(g, group) else { throw fail("EC_GROUP_get0_generator") }
        return copy
    }

    // MARK: Points

    /// Free and wipe a point (`EC_POINT_clear_free`): points may be secret.
    static func freePoint(_ point: OpaquePointer) { EC_POINT_clear_free(point) }

    static func newPoint(_ group: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        guard let point = EC_POINT_new(group) else { throw fail("EC_POINT_new") }
        return point
    }

    /// The point at infinity (`EC_POINT_set_to_infinity`).
    static func identity(_ group: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        let point = try newPoint(group)
        guard EC_POINT_set_to_infinity(group, point) == 1 else { freePoint(point); throw fail("EC_POINT_set_to_infinity") }
        return point
    }

    static func isAtInfinity(_ group: OpaquePointer, _ point: OpaquePointer) -> Bool {
        EC_POINT_is_at_infinity(group, point) == 1
    }

    /// Whether the point satisfies the curve equation (`EC_POINT_is_on_curve`).
    static func isOnCurve(_ group: OpaquePointer, _ point: OpaquePointer) throws(CryptoError) -> Bool {
        ERR_clear_error()
        let answer = try withContext("EC_POINT_is_on_curve") { EC_POINT_is_on_curve(group, point, $0) }
        guard answer >= 0 else { throw fail("EC_POINT_is_on_curve") }
        return answer == 1
    }

    /// `0` when equal, `1` when not, `-1` on error (`EC_POINT_cmp`).
    static func compare(_ group: OpaquePointer, _ a: OpaquePointer, _ b: OpaquePointer) -> Int32 {
        guard let ctx = BN_CTX_new() else { return -1 }
        defer { BN_CTX_free(ctx) }
        return EC_POINT_cmp(group, a, b, ctx)
    }

    /// `a + b` (`EC_POINT_add`).
    static func add(_ group: OpaquePointer, _ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let r = try newPoint(group)
        let ok = try withContext("EC_POINT_add") { EC_POINT_add(group, r, a, b, $0) == 1 }
        guard ok else { freePoint(r); throw fail("EC_POINT_add") }
        return r
    }

    /// `-a` (`EC_POINT_dup`, `EC_POINT_invert`).
    static func negate(_ group: OpaquePointer, _ a: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let r = EC_POINT_dup(a, group) else { throw fail("EC_POINT_dup") }
        let ok = try withContext("EC_POINT_invert") { EC_POINT_invert(group, r, $0) == 1 }
        guard ok else { freePoint(r); throw fail("EC_POINT_invert") }
        return r
    }

    /// `g·G + p·P` (`EC_POINT_mul`); either term may be absent.
    ///
    /// With exactly one term OpenSSL 3 uses a constant-time path: the
    /// `ecp_nistz256` fixed-window code for P-256 (generator table or
    /// arbitrary point), the Montgomery ladder `ossl_ec_scalar_mul_ladder`
    /// for P-384. With both terms it uses variable-time wNAF (`ossl_ec_wNAF_mul`),
    /// fit only for public scalars.
    static func multiply(_ group: OpaquePointer, generatorScalar: OpaquePointer?, point: OpaquePointer?,
                         pointScalar: OpaquePointer?) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let r = try newPoint(group)
        let ok = try withContext("EC_POINT_mul") { EC_POINT_mul(group, r, generatorScalar, point, pointScalar, $0) == 1 }
        guard ok else { freePoint(r); throw fail("EC_POINT_mul") }
        return r
    }

    /// SEC1 octets of a point, compressed (`0x02`/`0x03 || x`) or
    /// uncompressed (`0x04 || x || y`) (`EC_POINT_point2oct`).
    static func encode(_ group: OpaquePointer, _ point: OpaquePointer, compressed: Bool) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let form = compressed ? POINT_CONVERSION_COMPRESSED : POINT_CONVERSION_UNCOMPRESSED
        return try withContext("EC_POINT_point2oct") { ctx throws(CryptoError) in
            let length = EC_POINT_point2oct(group, point, form, nil, 0, ctx)
            guard length > 0 else { throw fail("EC_POINT_point2oct") }
            var out = [UInt8](repeating: 0, count: length)
            let written = out.withUnsafeMutableBufferPointer { EC_POINT_point2oct(group, point, form, $0.baseAddress, length, ctx) }
            guard written == length else { throw fail("EC_POINT_point2oct") }
            return out
        }
    }

    /// The point with SEC1 octets `bytes` (`EC_POINT_oct2point`, which
    /// checks that the coordinates are in range and the point is on the curve).
    static func decode(_ group: OpaquePointer, _ bytes: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let point = try newPoint(group)
        let ok = try withContext("EC_POINT_oct2point") { ctx in
            bytes.withUnsafeBufferPointer { EC_POINT_oct2point(group, point, $0.baseAddress, $0.count, ctx) == 1 }
        }
        guard ok else { freePoint(point); throw fail("EC_POINT_oct2point") }
        return point
    }

    /// The point `(x, y)` (`EC_POINT_set_affine_coordinates`, which refuses
    /// a point off the curve).
    static func fromAffine(_ group: OpaquePointer, x: OpaquePointer, y: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let point = try newPoint(group)
        let ok = try withContext("EC_POINT_set_affine_coordinates") { EC_POINT_set_affine_coordinates(group, point, x, y, $0) == 1 }
        guard ok else { freePoint(point); throw fail("EC_POINT_set_affine_coordinates") }
        return point
    }

    /// The affine `x` and `y` (`EC_POINT_get_affine_coordinates`); fails for infinity.
    static func affine(_ group: OpaquePointer, _ point: OpaquePointer) throws(CryptoError) -> (x: OpaquePointer, y: OpaquePointer) {
        ERR_clear_error()
        guard let x = BN_new(), let y = BN_new() else { throw fail("BN_new") }
        let ok = try withContext("EC_POINT_get_affine_coordinates") { EC_POINT_get_affine_coordinates(group, point, x, y, $0) == 1 }
        guard ok else { BN_clear_free(x); BN_clear_free(y); throw fail("EC_POINT_get_affine_coordinates") }
        return (x, y)
    }

    // MARK: Modular arithmetic

    /// `r = op(r, ctx)` into a fresh `BIGNUM`, freed when `op` fails.
    private static func modular(_ call: String, _ op: (OpaquePointer, OpaquePointer) -> Int32) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let r = BN_new() else { throw fail("BN_new") }
        let ok = try withContext(call) { op(r, $0) == 1 }
        guard ok else { BN_clear_free(r); throw fail(call) }
        return r
    }

    /// `(a + b) mod m` for `a`, `b` in `0..<m` (`BN_mod_add`).
    static func modAdd(_ a: OpaquePointer, _ b: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_add") { BN_mod_add($0, a, b, m, $1) }
    }

    /// `(a - b) mod m`, non-negative (`BN_mod_sub`).
    static func modSubtract(_ a: OpaquePointer, _ b: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_sub") { BN_mod_sub($0, a, b, m, $1) }
    }

    /// `a·b mod m` (`BN_mod_mul`).
    static func modMultiply(_ a: OpaquePointer, _ b: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_mul") { BN_mod_mul($0, a, b, m, $1) }
    }

    /// `a² mod m` (`BN_mod_sqr`).
    static func modSquare(_ a: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_sqr") { BN_mod_sqr($0, a, m, $1) }
    }

    /// `a^e mod m` (`BN_mod_exp`); OpenSSL takes `BN_mod_exp_mont_consttime`
    /// when `a`, `e` or `m` carries `BN_FLG_CONSTTIME` and `m` is odd.
    static func modExp(_ a: OpaquePointer, _ e: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_exp") { BN_mod_exp($0, a, e, m, $1) }
    }

    /// `a^-1 mod m` (`BN_mod_inverse`); with `BN_FLG_CONSTTIME` on `a` or `m`
    /// OpenSSL uses its branch-free `bn_mod_inverse_no_branch`.
    static func modInverse(_ a: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_mod_inverse") { r, ctx in BN_mod_inverse(r, a, m, ctx) == nil ? 0 : 1 }
    }

    /// `a mod m`, non-negative (`BN_nnmod`).
    static func reduce(_ a: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try modular("BN_nnmod") { BN_nnmod($0, a, m, $1) }
    }

    /// Whether the lowest bit is set (`BN_is_odd`).
    static func isOdd(_ a: OpaquePointer) -> Bool { BN_is_odd(a) == 1 }

    /// Big-endian magnitude left-padded to `length` (`BN_bn2binpad`); nil when it does not fit.
    static func paddedBytes(_ a: OpaquePointer, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        let written = out.withUnsafeMutableBufferPointer { BN_bn2binpad(a, $0.baseAddress, Int32(length)) }
        guard written == Int32(length) else { return nil }
        return out
    }

    /// A uniform number in `1..<range` (`BN_priv_rand_range` on `range - 1`, then `+ 1`).
    static func randomNonZero(below range: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let bound = BN_dup(range) else { throw fail("BN_dup") }
        defer { BN_clear_free(bound) }
        guard BN_sub_word(bound, 1) == 1 else { throw fail("BN_sub_word") }
        guard let r = BN_new() else { throw fail("BN_new") }
        BN_set_flags(r, BN_FLG_CONSTTIME)
        guard BN_priv_rand_range(r, bound) == 1, BN_add_word(r, 1) == 1 else { BN_clear_free(r); throw fail("BN_priv_rand_range") }
        return r
    }
}
