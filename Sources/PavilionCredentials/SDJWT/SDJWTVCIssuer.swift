import PavilionCore
import PavilionHSM

/// Issues SD-JWT VCs (`typ: dc+sd-jwt`, draft-ietf-oauth-sd-jwt-vc): every
/// claim of ``SDJWTVCClaims/claims`` and `sub` selectively disclosable at
/// every depth, the registered claims (`iss`, `vct`, `iat`, `nbf`, `exp`,
/// `cnf`, `status`) always visible, decoys in each `_sd` array.
public struct SDJWTVCIssuer: Sendable {
    private var base: SDJWTIssuer
    /// Decoy digests per `_sd` array (drawn with the CSPRNG).
    public var decoysPerObject: ClosedRange<Int>

    /// - Parameters:
    ///   - signer: the issuer's key.
    ///   - decoysPerObject: decoys per `_sd` array (1 to 3 by default).
    public init(signer: some JWSSigner, decoysPerObject: ClosedRange<Int> = 1...3) {
        base = SDJWTIssuer(signer: signer, type: SDJWTVCClaims.type)
        self.decoysPerObject = decoysPerObject
    }

    /// An issuer that signs through a ``PavilionHSM/Signer`` (HSM or software key store).
    /// - Parameters:
    ///   - signer: the issuer's key.
    ///   - decoysPerObject: decoys per `_sd` array (1 to 3 by default).
    /// - Throws: ``SDJWTError`` `cryptoFailure` when the signer's algorithm has no JWS name.
    public init(signer: some Signer, decoysPerObject: ClosedRange<Int> = 1...3) throws(SDJWTError) {
        base = try SDJWTIssuer(signer: signer, type: SDJWTVCClaims.type)
        self.decoysPerObject = decoysPerObject
    }

    /// Issue an SD-JWT VC.
    /// - Parameters:
    ///   - credential: the claims.
    ///   - holderKey: the holder's public key for `cnf.jwk`, or `nil` for a bearer credential.
    ///   - disclosable: a narrower choice of disclosable paths; `nil` makes every non-registered claim disclosable.
    /// - Returns: the SD-JWT VC for the holder.
    /// - Throws: ``SDJWTError`` `vcClaimMustNotBeDisclosable` when `disclosable`
    ///   names a registered claim; `invalidIssuanceInput`; `cryptoFailure`.
    public func issue(_ credential: SDJWTVCClaims, holderKey: JWK?, disclosable: Set<ClaimPath>? = nil) throws(SDJWTError) -> IssuedSDJWT {
        let selection: DisclosurePolicy.Selection
        if let disclosable {
            for path in disclosable {
                if case .member(let name)? = path.components.first, SDJWTVCClaims.nonDisclosable.contains(name) || name == "iat" {
                    throw SDJWTError(.vcClaimMustNotBeDisclosable, "\(path) must stay visible in an SD-JWT VC")
                }
            }
            selection = .paths(disclosable)
        } else {
            selection = .everything(exceptTopLevel: SDJWTVCClaims.nonDisclosable.union(["iat"]))
        }
        return try base.issue(claims: try credential.claimsSet(), policy: DisclosurePolicy(selection, decoysPerObject: decoysPerObject),
                              holderKey: holderKey)
    }
}
