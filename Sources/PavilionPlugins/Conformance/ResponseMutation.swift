import PavilionCore

/// A way to spoil a recorded DP response, to check that the connector turns
/// what a broken or hostile DP sends into an error and never a crash or a
/// wrong answer.
struct ResponseMutation: Sendable {
    /// Check name suffix: `malformed:<kind>`.
    let kind: String
    /// Whether the spoiled response keeps the recorded status, so that a
    /// connector that does not need the body may still give the recorded
    /// result.
    let keepsStatus: Bool
    let apply: @Sendable (HTTPResponse) -> HTTPResponse?

    static let all: [ResponseMutation] = [
        body("truncated") { $0.count > 1 ? Array($0.prefix($0.count / 2)) : nil },
        body("empty") { $0.isEmpty ? nil : [] },
        body("wrong_types") { bytes in
            guard let object = (try? JSONParser().parse(bytes: bytes))?.objectValue, !object.isEmpty else { return nil }
            return JSONValue.object(object.mapValues(swapType)).serializedBytes
        },
        body("not_an_object") { _ in Array("[\"unexpected\",42,null]".utf8) },
        body("invalid_utf8") { _ in [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC0, 0xAF, 0x22, 0x7D] },
        body("deep_nesting") { _ in Array(repeating: UInt8(ascii: "["), count: 100_000) },
        // The recorded body followed by 4 MiB of JSON whitespace: the same
        // value, so a connector may answer as recorded or refuse the size.
        body("huge") { bytes in bytes + Array(repeating: UInt8(ascii: " "), count: 4 << 20) },
        status("status_204", 204), status("status_301", 301), status("status_400", 400), status("status_401", 401),
        status("status_403", 403), status("status_418", 418), status("status_429", 429), status("status_500", 500),
        status("status_502", 502), status("status_503", 503), status("status_599", 599),
    ]

    private static func body(_ kind: String, _ change: @escaping @Sendable ([UInt8]) -> [UInt8]?) -> ResponseMutation {
        ResponseMutation(kind: kind, keepsStatus: true) { response in
            change(response.body).map { HTTPResponse(status: response.status, headers: response.headers, body: $0) }
        }
    }

    private static func status(_ kind: String, _ code: Int) -> ResponseMutation {
        ResponseMutation(kind: kind, keepsStatus: false) { response in
            response.status == code ? nil : HTTPResponse(status: code, headers: response.headers, body: response.body)
        }
    }

    /// A value of another JSON type than `value`.
    private static func swapType(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string: return .int(12345)
        case .int, .double: return .string("12345")
        case .bool: return .string("true")
        case .null: return .object([:])
        case .array: return .object(["unexpected": true])
        case .object: return .array([.string("unexpected")])
        }
    }
}
