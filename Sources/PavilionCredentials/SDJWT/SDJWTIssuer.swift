import PavilionCore
import PavilionHSM

/// An SD-JWT the issuer made: what goes to the holder, and the parts for
/// the issuer's records.
public struct IssuedSDJWT: Sendable {
    /// The SD-JWT with every disclosure, for the holder.
    public let sdJWT: SDJWT
    /// The signed payload (digests in place of the disclosable claims).
    public let payload: [String: JSONValue]
    /// The disclosures, in the order they appear in ``sdJWT``.
    public let disclosures: [Disclosure]
    /// How many decoy digests were added.
    public let decoyCount: Int
}

/// Issues SD-JWTs (RFC 9901): each disclosable claim becomes a disclosure
/// `[salt, name, value]` (array elements `[salt, value]`) with a 128-bit
/// salt from the CSPRNG; its digest goes into the object's `_sd` array (or
/// replaces the element as `{"...": digest}`); decoy digests are added as
/// the policy says and each `_sd` array is shuffled with the CSPRNG.
///
/// The payload always carries `_sd_alg`, and `cnf.jwk` when a holder key is
/// given.
public struct SDJWTIssuer: Sendable {
    /// Signs the issuer-signed JWT.
    public let signer: any JWSSigner
    /// The digest function (`_sd_alg`).
    public var hashAlgorithm: SDJWTHashAlgorithm
    /// The `typ` header, e.g. `dc+sd-jwt`; `nil` writes none.
    public var type: String?

    /// - Parameters:
    ///   - signer: the issuer's key.
    ///   - hashAlgorithm: the digest function; SHA-256 by default.
    ///   - type: the `typ` header.
    public init(signer: some JWSSigner, hashAlgorithm: SDJWTHashAlgorithm = .sha256, type: String? = nil) {
        self.signer = signer
        self.hashAlgorithm = hashAlgorithm
        self.type = type
    }

    /// An issuer that signs through a ``PavilionHSM/Signer`` (HSM or
    /// software key store); `kid` is the signer's key ID.
    /// - Parameters:
    ///   - signer: the key.
    ///   - hashAlgorithm: the digest function; SHA-256 by default.
    ///   - type: the `typ` header.
    /// - Throws: ``SDJWTError`` `cryptoFailure` when the signer's algorithm has no JWS name.
    public init(signer: some Signer, hashAlgorithm: SDJWTHashAlgorithm = .sha256, type: String? = nil) throws(SDJWTError) {
        self.signer = SignerJWSAdapter(signer)
        self.hashAlgorithm = hashAlgorithm
        self.type = type
    }

    /// Issue an SD-JWT.
    /// - Parameters:
    ///   - claims: the claims set, without `_sd`, `...` or `_sd_alg`.
    ///   - policy: which claims are disclosable, and the decoys.
    ///   - holderKey: the holder's public key for `cnf.jwk` (key binding), if any.
    /// - Returns: the SD-JWT and its parts.
    /// - Throws: ``SDJWTError`` `invalidIssuanceInput` for reserved names in
    ///   the claims, a `cnf` clash or a policy path that names no claim;
    ///   `cryptoFailure` when signing or the CSPRNG fails.
    public func issue(claims: [String: JSONValue], policy: DisclosurePolicy, holderKey: JWK? = nil) throws(SDJWTError) -> IssuedSDJWT {
        try Self.checkInput(.object(claims), path: ClaimPath([]))
        guard claims["_sd_alg"] == nil else { throw SDJWTError(.invalidIssuanceInput, "the claims must not hold _sd_alg; the issuer sets it") }
        guard policy.decoysPerObject.lowerBound >= 0, policy.decoysPerObject.upperBound <= 1000 else {
            throw SDJWTError(.invalidIssuanceInput, "decoys per object must lie within 0...1000")
        }
        var builder = Builder(policy: policy, hashAlgorithm: hashAlgorithm)
        guard case .object(var payload) = try builder.conceal(.object(claims), at: ClaimPath([])) else {
            throw SDJWTError(.invalidIssuanceInput, "the claims set is not an object")
        }
        if case .paths(let wanted) = policy.selection {
            let missing = wanted.subtracting(builder.used)
            guard missing.isEmpty else {
                throw SDJWTError(.invalidIssuanceInput, "disclosable paths that name no claim: \(missing.map(\.description).sorted())")
            }
        }
        payload["_sd_alg"] = .string(hashAlgorithm.rawValue)
        if let holderKey {
            guard claims["cnf"] == nil else { throw SDJWTError(.invalidIssuanceInput, "the claims hold cnf and a holder key was given") }
            do {
                payload["cnf"] = .object(["jwk": try holderKey.publicJWK.jsonValue()])
            } catch {
                throw SDJWTError(.cryptoFailure, "serialising the holder key: \(error)")
            }
        }
        var header: [String: JSONValue] = [:]
        if let type { header["typ"] = .string(type) }
        let jwt: String
        do {
            jwt = try JWS.signCompact(payload: JSONValue.object(payload).serializedBytes, signer: signer, header: header)
        } catch {
            throw SDJWTError(.cryptoFailure, "signing the issuer-signed JWT failed", underlying: error)
        }
        let sdJWT = SDJWT(issuerSignedJWT: jwt, disclosures: builder.disclosures.map(\.encoded))
        return IssuedSDJWT(sdJWT: sdJWT, payload: payload, disclosures: builder.disclosures, decoyCount: builder.decoyCount)
    }

    private static func checkInput(_ value: JSONValue, path: ClaimPath) throws(SDJWTError) {
        switch value {
        case .object(let members):
            for (name, member) in members {
                guard name != "_sd", name != "..." else {
                    throw SDJWTError(.invalidIssuanceInput, "the claims hold the reserved name \(name) at \(path)")
                }
                try checkInput(member, path: path.appending(.member(name)))
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() { try checkInput(element, path: path.appending(.element(index))) }
        default:
            return
        }
    }

    /// Walks the claims bottom-up, replacing disclosable claims by digests.
    private struct Builder {
        let policy: DisclosurePolicy
        let hashAlgorithm: SDJWTHashAlgorithm
        var disclosures: [Disclosure] = []
        var used: Set<ClaimPath> = []
        var decoyCount = 0

        init(policy: DisclosurePolicy, hashAlgorithm: SDJWTHashAlgorithm) {
            self.policy = policy
            self.hashAlgorithm = hashAlgorithm
        }

        mutating func conceal(_ value: JSONValue, at path: ClaimPath) throws(SDJWTError) -> JSONValue {
            switch value {
            case .object(let members):
                var out: [String: JSONValue] = [:]
                var digests: [String] = []
                for name in members.keys.sorted() {
                    guard let member = members[name] else { continue }
                    let memberPath = path.appending(.member(name))
                    let inner = try conceal(member, at: memberPath)
                    if policy.isDisclosable(memberPath) {
                        let disclosure = try Disclosure(claimName: name, value: inner)
                        disclosures.append(disclosure)
                        digests.append(disclosure.digest(using: hashAlgorithm))
                        used.insert(memberPath)
                    } else {
                        out[name] = inner
                    }
                }
                // Decoys go to the top level and to objects that already hide something.
                if !digests.isEmpty || path.components.isEmpty {
                    let decoys = try SDJWTRandom.integer(in: policy.decoysPerObject)
                    for _ in 0..<decoys { digests.append(try SDJWTRandom.decoyDigest(hashAlgorithm)) }
                    decoyCount += decoys
                }
                if !digests.isEmpty { out["_sd"] = .array(try SDJWTRandom.shuffled(digests).map { .string($0) }) }
                return .object(out)
            case .array(let elements):
                var out: [JSONValue] = []
                for (index, element) in elements.enumerated() {
                    let elementPath = path.appending(.element(index))
                    let inner = try conceal(element, at: elementPath)
                    if policy.isDisclosable(elementPath) {
                        let disclosure = try Disclosure(claimName: nil, value: inner)
                        disclosures.append(disclosure)
                        out.append(.object(["...": .string(disclosure.digest(using: hashAlgorithm))]))
                        used.insert(elementPath)
                    } else {
                        out.append(inner)
                    }
                }
                return .array(out)
            default:
                return value
            }
        }
    }
}
