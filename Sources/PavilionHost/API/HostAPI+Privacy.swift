import Foundation
import PavilionCore
import PavilionCrypto
import PavilionNet
import PavilionPrivacy
import PavilionStore

/// The privacy routes: OPRF evaluation and public keys, the receipt
/// transparency log, and DP-noised analytics. See `docs/privacy.md`.
extension HostAPI {
    /// The privacy route for `method path`, or `nil`.
    static func privacyRoute(method: String, path: String) -> Route? {
        switch (method, path) {
        case ("GET", "/v1/privacy/log/tree-head"): return .privacyTreeHead
        case ("GET", "/v1/privacy/log/consistency"): return .privacyConsistency
        case ("GET", "/v1/analytics/verifications"): return .analyticsVerifications
        case ("POST", "/v1/privacy/proofs/nonce"): return .proofNonce
        case ("POST", "/v1/privacy/proofs/verify"): return .proofVerify
        default: break
        }
        if let key = oprfKeyName(path) {
            if method == "GET", key.evaluate == false { return .oprfPublicKey }
            if method == "POST", key.evaluate { return .oprfEvaluate }
        }
        if method == "GET", receiptIndex(path) != nil { return .privacyReceipt }
        return nil
    }

    /// The methods `path` answers among the privacy routes, or `nil`.
    static func privacyAllowedMethods(path: String) -> [String]? {
        switch path {
        case "/v1/privacy/log/tree-head", "/v1/privacy/log/consistency", "/v1/analytics/verifications": return ["GET"]
        case "/v1/privacy/proofs/nonce", "/v1/privacy/proofs/verify": return ["POST"]
        default: break
        }
        if let key = oprfKeyName(path) { return key.evaluate ? ["POST"] : ["GET"] }
        if receiptIndex(path) != nil { return ["GET"] }
        return nil
    }

    /// `/v1/privacy/oprf/{key}` or `/v1/privacy/oprf/{key}/evaluate`.
    static func oprfKeyName(_ path: String) -> (name: String, evaluate: Bool)? {
        let prefix = "/v1/privacy/oprf/"
        guard path.hasPrefix(prefix) else { return nil }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, Tokens.isToken(String(first)) else { return nil }
        switch parts.count {
        case 1: return (String(first), false)
        case 2 where parts[1] == "evaluate": return (String(first), true)
        default: return nil
        }
    }

    /// `/v1/privacy/log/receipts/{index}`.
    static func receiptIndex(_ path: String) -> UInt64? {
        let prefix = "/v1/privacy/log/receipts/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        guard !rest.isEmpty, rest.count <= 19, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber) else { return nil }
        return UInt64(rest)
    }

    /// Answer a privacy route for an authenticated caller.
    func dispatchPrivacy(_ request: HTTPServerRequest, route: Route, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        guard let privacy else { throw APIProblem(404, "not_found", "this host has no privacy engine") }
        switch route {
        case .oprfPublicKey, .oprfEvaluate:
            return try await oprf(request, evaluate: route == .oprfEvaluate, caller: caller, privacy: privacy)
        case .privacyTreeHead:
            do { return Self.json(200, try await privacy.receipts.treeHead().json) } catch {
                throw logUnavailable(error)
            }
        case .privacyReceipt:
            return try await receipt(request, caller: caller, privacy: privacy)
        case .privacyConsistency:
            return try await consistency(request, privacy: privacy)
        case .analyticsVerifications:
            return try await analytics(request, caller: caller, privacy: privacy)
        case .proofNonce:
            return try proofNonce(caller: caller, privacy: privacy)
        case .proofVerify:
            return try await proofVerify(request, caller: caller, privacy: privacy)
        default:
            throw APIProblem(404, "not_found", "no such resource")
        }
    }

    private func logUnavailable(_ error: any Error) -> APIProblem {
        logger.error("privacy log failed", ["error": .string("\(error)")])
        return APIProblem(503, "privacy_log_unavailable", "the transparency log cannot be read right now")
    }

    // MARK: OPRF

    private func oprf(_ request: HTTPServerRequest, evaluate: Bool, caller: Caller,
                      privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant else { throw APIProblem.forbidden("OPRF keys belong to tenants; use a tenant key") }
        guard let name = Self.oprfKeyName(request.path)?.name else { throw APIProblem(404, "not_found", "no such resource") }
        let stored: StoredOPRFKey?
        do { stored = try await store.oprfKey(tenant: tenant, name: name) } catch {
            logger.error("cannot read an OPRF key", ["error": .string(error.description)])
            throw APIProblem(503, "store_unavailable", "the service cannot read OPRF keys right now")
        }
        guard let stored, let suite = OPRFSuite(rawValue: stored.suite), let mode = OPRFKeyManager.mode(named: stored.mode) else {
            throw APIProblem(404, "oprf_key_not_found", "tenant \(tenant) has no OPRF key '\(name)'")
        }
        var body: [String: JSONValue] = ["key": .string(name), "version": .int(stored.version), "suite": .string(suite.rawValue),
                                         "mode": .string(stored.mode)]
        guard evaluate else {
            if mode != .oprf { body["public_key"] = .string(Hex.encode(stored.publicKey)) }
            return Self.json(200, .object(body))
        }
        let members = try Self.jsonObject(request.body)
        if let unknown = members.keys.sorted().first(where: { !["blinded_elements", "info"].contains($0) }) {
            throw APIProblem.invalidRequest("unknown member \"\(Tokens.printable(unknown))\"")
        }
        guard let list = members["blinded_elements"]?.arrayValue, !list.isEmpty else {
            throw APIProblem.invalidRequest("\"blinded_elements\" must be a non-empty array of hex-encoded elements")
        }
        guard list.count <= privacy.configuration.oprfMaxBatch else {
            throw APIProblem.invalidRequest("at most \(privacy.configuration.oprfMaxBatch) blinded elements per request")
        }
        var elements: [[UInt8]] = []
        for (i, item) in list.enumerated() {
            guard let text = item.stringValue, let bytes = Hex.decode(text), bytes.count == suite.elementLength else {
                throw APIProblem(400, "invalid_element", "blinded_elements[\(i)] must be \(suite.elementLength) bytes of hex (a compressed \(suite.rawValue) point)")
            }
            elements.append(bytes)
        }
        var info: [UInt8]?
        if let value = members["info"] {
            guard mode == .poprf, let text = value.stringValue, text.utf8.count <= 1024 else {
                throw APIProblem.invalidRequest("\"info\" is a string of at most 1024 bytes, for POPRF keys only")
            }
            info = Array(text.utf8)
        }
        try privacy.chargeOPRF(tenant: tenant.rawValue, elements: elements.count)
        do {
            let key = try privacy.oprfKeys.privateKey(of: stored)
            switch mode {
            case .oprf:
                let server = try OPRFServer(privateKey: key)
                var out: [JSONValue] = []
                for element in elements { out.append(.string(Hex.encode(try server.blindEvaluate(element)))) }
                body["evaluated_elements"] = .array(out)
            case .voprf:
                let evaluation = try VOPRFServer(privateKey: key).blindEvaluate(elements)
                body["evaluated_elements"] = .array(evaluation.evaluatedElements.map { .string(Hex.encode($0)) })
                body["proof"] = .string(Hex.encode(evaluation.proof))
            case .poprf:
                let evaluation = try POPRFServer(privateKey: key).blindEvaluate(elements, info: info ?? [])
                body["evaluated_elements"] = .array(evaluation.evaluatedElements.map { .string(Hex.encode($0)) })
                body["proof"] = .string(Hex.encode(evaluation.proof))
            }
        } catch let error as OPRFError {
            throw APIProblem(400, "invalid_element", "the blinded elements were refused: \(error.description)")
        } catch {
            logger.error("OPRF evaluation failed", ["error": .string("\(error)")])
            throw APIProblem.internalError()
        }
        return Self.json(200, .object(body))
    }

    // MARK: Log

    private func receipt(_ request: HTTPServerRequest, caller: Caller, privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        guard let index = Self.receiptIndex(request.path) else { throw APIProblem(404, "not_found", "no such resource") }
        let bundle: ReceiptBundle?
        do { bundle = try await privacy.receipts.bundle(index: index) } catch { throw logUnavailable(error) }
        guard let bundle else { throw APIProblem(404, "receipt_not_found", "the log has no receipt \(index)") }
        if let tenant = caller.tenant, bundle.receipt.tenant != tenant.rawValue {
            throw APIProblem.forbidden("receipt \(index) belongs to another tenant")
        }
        return Self.json(200, bundle.json)
    }

    private func consistency(_ request: HTTPServerRequest, privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        var first: UInt64?, second: UInt64?
        for (name, value) in try Self.queryPairs(request.query) {
            guard let number = UInt64(value) else { throw APIProblem.invalidRequest("'\(name)' must be a tree size") }
            switch name {
            case "first": first = number
            case "second": second = number
            default: throw APIProblem.invalidRequest("unknown query parameter '\(Tokens.printable(name))'")
            }
        }
        guard let first, let second else { throw APIProblem.invalidRequest("give 'first' and 'second' tree sizes") }
        do {
            let size = try await privacy.receipts.size()
            guard first >= 1, first <= second, second <= size else {
                throw APIProblem(400, "invalid_tree_size", "need 1 ≤ first ≤ second ≤ \(size) (the current tree size)")
            }
            let proof = try await privacy.receipts.consistency(first: first, second: second)
            return Self.json(200, .object([
                "first": .int(Int64(first)), "second": .int(Int64(second)),
                "first_root_hash": .string(Hex.encode(try await privacy.receipts.rootHash(size: first))),
                "second_root_hash": .string(Hex.encode(try await privacy.receipts.rootHash(size: second))),
                "proof": .array(proof.path.map { .string(Hex.encode($0)) }),
            ]))
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw logUnavailable(error)
        }
    }

    // MARK: Helpers

    static func jsonObject(_ body: [UInt8]) throws(APIProblem) -> [String: JSONValue] {
        let value: JSONValue
        do { value = try JSONParser(limits: .init(maxDepth: 16, maxBytes: 1 << 20)).parse(bytes: body) } catch {
            throw .invalidJSON("the body is not JSON: \(error.line):\(error.column): \(error.reason)")
        }
        guard case .object(let members) = value else { throw .invalidRequest("the body must be a JSON object") }
        return members
    }

    static func queryPairs(_ query: String?) throws(APIProblem) -> [(String, String)] {
        var out: [(String, String)] = []
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw APIProblem.invalidRequest("malformed query parameter") }
            out.append((kv[0], kv[1]))
        }
        return out
    }
}
