import PavilionCrypto

extension HashToCurveSuite {
    /// `map_to_curve_simple_swu(u)` (RFC 9380 §6.6.2) in the straight-line
    /// form of Appendix F.2 with `sqrt_ratio` for `q ≡ 3 (mod 4)`. P-256 and
    /// P-384 have `A ≠ 0`, `B ≠ 0`, so no isogeny is needed.
    ///
    /// Not constant time in `u` (OpenSSL's `BN_mod_*` and a branching
    /// `CMOV`): `u` derives from the client's private input, never from a
    /// server key.
    /// - Parameter u: a field element from ``hashToField(_:dst:count:)``.
    /// - Returns: a point on the curve.
    /// - Throws: ``HashToCurveError`` `.cryptoFailure` when OpenSSL fails.
    public func mapToCurve(_ u: ECFieldElement) throws(HashToCurveError) -> ECPoint {
        do throws(CryptoError) {
            let group = u.group
            let a = try ECFieldElement(group.coefficientA, in: group)
            let b = try ECFieldElement(group.coefficientB, in: group)
            let z = try ECFieldElement(zMagnitude, in: group).negated()
            let one = try ECFieldElement(1, in: group)

            var tv1 = try u.squared()                                   // 1. tv1 = u^2
            tv1 = try z.multiplied(by: tv1)                             // 2. tv1 = Z * tv1
            var tv2 = try tv1.squared()                                 // 3. tv2 = tv1^2
            tv2 = try tv2.adding(tv1)                                   // 4. tv2 = tv2 + tv1
            var tv3 = try tv2.adding(one)                               // 5. tv3 = tv2 + 1
            tv3 = try b.multiplied(by: tv3)                             // 6. tv3 = B * tv3
            var tv4 = ECFieldElement.select(z, try tv2.negated(), !tv2.isZero)  // 7. tv4 = CMOV(Z, -tv2, tv2 != 0)
            tv4 = try a.multiplied(by: tv4)                             // 8. tv4 = A * tv4
            tv2 = try tv3.squared()                                     // 9. tv2 = tv3^2
            var tv6 = try tv4.squared()                                 // 10. tv6 = tv4^2
            var tv5 = try a.multiplied(by: tv6)                         // 11. tv5 = A * tv6
            tv2 = try tv2.adding(tv5)                                   // 12. tv2 = tv2 + tv5
            tv2 = try tv2.multiplied(by: tv3)                           // 13. tv2 = tv2 * tv3
            tv6 = try tv6.multiplied(by: tv4)                           // 14. tv6 = tv6 * tv4
            tv5 = try b.multiplied(by: tv6)                             // 15. tv5 = B * tv6
            tv2 = try tv2.adding(tv5)                                   // 16. tv2 = tv2 + tv5
            var x = try tv1.multiplied(by: tv3)                         // 17. x = tv1 * tv3
            let (isGx1Square, y1) = try ECFieldElement.sqrtRatio(tv2, tv6, z: z)  // 18.
            var y = try tv1.multiplied(by: u)                           // 19. y = tv1 * u
            y = try y.multiplied(by: y1)                                // 20. y = y * y1
            x = ECFieldElement.select(x, tv3, isGx1Square)              // 21. x = CMOV(x, tv3, is_gx1_square)
            y = ECFieldElement.select(y, y1, isGx1Square)               // 22. y = CMOV(y, y1, is_gx1_square)
            let e1 = u.sign == y.sign                                   // 23. e1 = sgn0(u) == sgn0(y)
            y = ECFieldElement.select(try y.negated(), y, e1)           // 24. y = CMOV(-y, y, e1)
            x = try x.multiplied(by: tv4.inverse0())                    // 25. x = x / tv4
            return try ECPoint(x: x, y: y)
        } catch {
            throw HashToCurveError(error)
        }
    }
}
