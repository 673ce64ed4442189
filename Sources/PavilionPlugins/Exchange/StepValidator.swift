import PavilionCore

/// Turns what a plugin returned from begin/step into an ``ExchangeStep``,
/// treating every byte as untrusted.
enum StepValidator {
    /// What a result must look like.
    enum Expectation: Sendable {
        /// An object whose keys are among these claims.
        case claims(Set<String>)
        /// `{"healthy": bool}`.
        case health
    }

    /// Methods a plugin may ask for.
    static let allowedMethods: Set<String> = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]

    /// Header fields the host sets itself (and hop-by-hop fields that would
    /// change the framing); a plugin's attempt to set one is refused.
    static let hostOwnedHeaders: Set<String> = [
        "host", "content-length", "connection", "transfer-encoding", "traceparent",
        "tracestate", "keep-alive", "upgrade", "te", "trailer", "proxy-connection",
    ]

    /// Interpret one plugin call's output.
    static func interpret(_ raw: RawStep, expecting expectation: Expectation) -> Result<ExchangeStep, ConnectorFailure> {
        guard raw.status == ABI.Status.ok else { return .failure(failure(for: raw)) }
        switch raw.kind {
        case ABI.StepKind.request:
            switch raw.request {
            case .success(let request)?:
                return validate(request).map(ExchangeStep.request)
            case .failure(let problem)?:
                return .failure(ConnectorFailure(.invalidRequest, problem.message))
            case nil:
                return .failure(ConnectorFailure(.invalidRequest, "step kind is REQUEST but no request was read"))
            }
        case ABI.StepKind.result:
            switch raw.result {
            case .success(let bytes)?:
                return validateResult(bytes, expecting: expectation).map(ExchangeStep.result)
            case .failure(let problem)?:
                return .failure(ConnectorFailure(.invalidResult, problem.message))
            case nil:
                return .failure(ConnectorFailure(.invalidResult, "step kind is RESULT but no result was read"))
            }
        case ABI.StepKind.psi:
            guard raw.pluginVersion >= ABI.psiVersion else {
                return .failure(ConnectorFailure(.invalidRequest,
                                                 "plugin negotiated ABI \(raw.pluginVersion), which has no PSI steps (PV_STEP_PSI is ABI \(ABI.psiVersion))"))
            }
            switch raw.psi {
            case .success(let psi)?:
                return validate(psi).map(ExchangeStep.psi)
            case .failure(let problem)?:
                return .failure(ConnectorFailure(.invalidRequest, problem.message))
            case nil:
                return .failure(ConnectorFailure(.invalidRequest, "step kind is PSI but no PSI request was read"))
            }
        default:
            return .failure(ConnectorFailure(.invalidResult, "plugin returned PV_OK with unknown step kind \(raw.kind)"))
        }
    }

    /// The failure for a non-OK status, carrying the plugin's message.
    static func failure(for raw: RawStep) -> ConnectorFailure {
        let text = LogText.bounded(raw.message, limit: ConnectorFailure.maxMessageBytes)
        guard let code = ConnectorFailure.Code(pluginStatus: raw.status) else {
            return ConnectorFailure(.unknownStatus,
                                    "plugin returned undefined status \(raw.status)\(text.isEmpty ? "" : ": \(text)")",
                                    pluginStatus: raw.status)
        }
        return ConnectorFailure(code, text.isEmpty ? "plugin returned \(code.rawValue) without a message" : text,
                                pluginStatus: raw.status)
    }

    // MARK: - Requests

    static func validate(_ raw: RawRequest) -> Result<HTTPRequest, ConnectorFailure> {
        func refuse(_ message: String) -> Result<HTTPRequest, ConnectorFailure> {
            .failure(ConnectorFailure(.invalidRequest, message))
        }
        let method = String(decoding: raw.method, as: UTF8.self)
        guard raw.method.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }), allowedMethods.contains(method) else {
            return refuse("method '\(LogText.bounded(raw.method, limit: 16))' is not one of \(allowedMethods.sorted().joined(separator: ", "))")
        }
        if let problem = pathProblem(raw.path) { return refuse(problem) }
        var headers: [(name: String, value: String)] = []
        for (nameBytes, valueBytes) in raw.headers {
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(isTokenByte) else {
                return refuse("header name '\(LogText.bounded(nameBytes, limit: 64))' is not an HTTP token")
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard !hostOwnedHeaders.contains(name.lowercased()) else {
                return refuse("header '\(name)' is set by the host; a connector may not set it")
            }
            guard !valueBytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }),
                  let value = String(validating: valueBytes, as: UTF8.self)
            else {
                return refuse("header '\(name)' has a value with control characters or invalid UTF-8")
            }
            headers.append((name, value))
        }
        return .success(HTTPRequest(method: method, path: String(decoding: raw.path, as: UTF8.self), headers: headers,
                                    body: raw.body, idempotent: raw.flags & ABI.requestIdempotent != 0,
                                    timeoutMs: raw.timeoutMs))
    }

    static func validate(_ raw: RawPSIRequest) -> Result<PSIStepRequest, ConnectorFailure> {
        func refuse(_ message: String) -> Result<PSIStepRequest, ConnectorFailure> {
            .failure(ConnectorFailure(.invalidRequest, message))
        }
        let mode: PSIStepRequest.Mode
        switch raw.mode {
        case ABI.PSIMode.intersection: mode = .intersection
        case ABI.PSIMode.cardinality: mode = .cardinality
        default: return refuse("psi mode \(raw.mode) is neither PV_PSI_INTERSECTION nor PV_PSI_CARDINALITY")
        }
        if let problem = pathProblem(raw.path) { return refuse("psi " + problem) }
        guard !raw.path.contains(UInt8(ascii: "?")), !raw.path.contains(UInt8(ascii: "#")) else {
            return refuse("psi path '\(LogText.bounded(raw.path, limit: 128))' has a query or fragment; it must be a base path")
        }
        guard !raw.elements.isEmpty else { return refuse("psi asks about no elements") }
        if let empty = raw.elements.firstIndex(where: \.isEmpty) { return refuse("psi element \(empty) is empty") }
        var path = String(decoding: raw.path, as: UTF8.self)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return .success(PSIStepRequest(path: path, elements: raw.elements, mode: mode))
    }

    /// Why `path` is not a safe origin-form request target, or `nil`.
    static func pathProblem(_ path: [UInt8]) -> String? {
        let shown = LogText.bounded(path, limit: 128)
        guard path.first == UInt8(ascii: "/") else {
            return "path '\(shown)' does not start with '/' (absolute URLs are refused)"
        }
        guard path.count < 2 || path[1] != UInt8(ascii: "/") else {
            return "path '\(shown)' starts with '//' (a network-path reference is an absolute URL)"
        }
        guard path.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "path '\(shown)' contains control characters, spaces or non-ASCII bytes"
        }
        guard !path.contains(UInt8(ascii: "\\")) else { return "path '\(shown)' contains a backslash" }
        let decoded = percentDecoded(path)
        guard !containsDotDot(path), !containsDotDot(decoded) else { return "path '\(shown)' contains '..'" }
        guard !decoded.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            return "path '\(shown)' encodes control characters"
        }
        return nil
    }

    private static func containsDotDot(_ bytes: [UInt8]) -> Bool {
        bytes.indices.dropLast().contains { bytes[$0] == UInt8(ascii: ".") && bytes[$0 + 1] == UInt8(ascii: ".") }
    }

    private static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    // MARK: - Results

    static func validateResult(_ bytes: [UInt8], expecting expectation: Expectation) -> Result<JSONValue, ConnectorFailure> {
        func refuse(_ message: String) -> Result<JSONValue, ConnectorFailure> {
            .failure(ConnectorFailure(.invalidResult, message))
        }
        let value: JSONValue
        do {
            value = try JSONParser(limits: .init(maxDepth: 8, maxBytes: 1 << 20)).parse(bytes: bytes)
        } catch {
            return refuse("result is not valid JSON (\(error))")
        }
        guard let members = value.objectValue else { return refuse("result is a JSON \(value.typeName), not an object") }
        switch expectation {
        case .health:
            guard members.count == 1, members["healthy"]?.boolValue != nil else {
                return refuse("health result must be {\"healthy\": true|false}")
            }
        case .claims(let asked):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                guard asked.contains(key) else { return refuse("result has claim '\(key)', which the query did not ask for") }
                switch member {
                case .bool, .string, .int, .double: continue
                default: return refuse("result claim '\(key)' is a JSON \(member.typeName); expected a boolean, string or number")
                }
            }
        }
        return .success(value)
    }
}
