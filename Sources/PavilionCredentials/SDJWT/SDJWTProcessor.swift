import PavilionCore

/// RFC 9901 §7.1 step 3–5: put the disclosures back into the issuer-signed
/// payload. Every digest may appear once; every disclosure must be reached
/// (directly or through another disclosure) exactly once.
struct SDJWTProcessor {
    /// The processed payload: disclosed claims in place, `_sd`, `_sd_alg`
    /// and undisclosed array elements removed.
    private(set) var processed: [String: JSONValue] = [:]
    /// Where each disclosure (by index in the input) was placed.
    private(set) var paths: [Int: ClaimPath] = [:]

    private let disclosures: [Disclosure]
    private let byDigest: [String: Int]
    private var seenDigests: Set<String> = []

    /// - Throws: ``SDJWTError`` naming the first rule broken.
    init(payload: [String: JSONValue], disclosures: [Disclosure], hashAlgorithm: SDJWTHashAlgorithm) throws(SDJWTError) {
        var byDigest: [String: Int] = [:]
        for (index, disclosure) in disclosures.enumerated() {
            let digest = disclosure.digest(using: hashAlgorithm)
            guard byDigest.updateValue(index, forKey: digest) == nil else {
                throw SDJWTError(.duplicateDisclosure, "disclosure \(index + 1) is sent more than once")
            }
        }
        self.disclosures = disclosures
        self.byDigest = byDigest
        guard case .object(let out) = try process(.object(payload), at: ClaimPath([])) else {
            throw SDJWTError(.invalidPayload, "the payload is not an object")
        }
        if let unused = disclosures.indices.first(where: { paths[$0] == nil }) {
            let name = disclosures[unused].claimName.map { "claim \($0)" } ?? "an array element"
            throw SDJWTError(.disclosureWithoutDigest, "disclosure \(unused + 1) (\(name)) matches no digest in the SD-JWT")
        }
        processed = out
    }

    private mutating func claim(_ digest: String) throws(SDJWTError) -> Int? {
        guard seenDigests.insert(digest).inserted else {
            throw SDJWTError(.duplicateDigest, "digest \(digest) appears more than once")
        }
        return byDigest[digest]
    }

    private mutating func process(_ value: JSONValue, at path: ClaimPath) throws(SDJWTError) -> JSONValue {
        switch value {
        case .object(let members):
            if members["..."] != nil {
                throw SDJWTError(.reservedNameMisuse, "\"...\" may only be the single member of an array element, found at \(path)")
            }
            if members["_sd_alg"] != nil, !path.components.isEmpty {
                throw SDJWTError(.reservedNameMisuse, "_sd_alg may only appear at the top level, found at \(path)")
            }
            var out: [String: JSONValue] = [:]
            for (name, member) in members where name != "_sd" && !(name == "_sd_alg" && path.components.isEmpty) {
                out[name] = try process(member, at: path.appending(.member(name)))
            }
            guard let sd = members["_sd"] else { return .object(out) }
            guard let digests = sd.arrayValue else { throw SDJWTError(.invalidPayload, "_sd at \(path) is a \(sd.typeName), not an array") }
            for entry in digests {
                guard let digest = entry.stringValue else {
                    throw SDJWTError(.invalidPayload, "_sd at \(path) holds a \(entry.typeName), not a digest string")
                }
                guard let index = try claim(digest) else { continue }
                let disclosure = disclosures[index]
                guard let name = disclosure.claimName else {
                    throw SDJWTError(.reservedNameMisuse, "an array-element disclosure (2 elements) is referenced from _sd at \(path)")
                }
                guard out[name] == nil else {
                    throw SDJWTError(.claimNameCollision, "disclosed claim \(name) already exists at \(path)")
                }
                let memberPath = path.appending(.member(name))
                paths[index] = memberPath
                out[name] = try process(disclosure.value, at: memberPath)
            }
            return .object(out)
        case .array(let elements):
            var out: [JSONValue] = []
            for (position, element) in elements.enumerated() {
                let elementPath = path.appending(.element(position))
                guard case .object(let members) = element, let marker = members["..."] else {
                    out.append(try process(element, at: elementPath))
                    continue
                }
                guard members.count == 1, let digest = marker.stringValue else {
                    throw SDJWTError(.reservedNameMisuse, "an array element digest {\"...\": digest} at \(elementPath) must hold one string member only")
                }
                guard let index = try claim(digest) else { continue }
                let disclosure = disclosures[index]
                guard disclosure.claimName == nil else {
                    throw SDJWTError(.reservedNameMisuse, "an object-property disclosure (3 elements) is referenced from array element \(elementPath)")
                }
                paths[index] = elementPath
                out.append(try process(disclosure.value, at: elementPath))
            }
            return .array(out)
        default:
            return value
        }
    }
}
