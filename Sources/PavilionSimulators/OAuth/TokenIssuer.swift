import PavilionCore
import PavilionCrypto
import PavilionNet
import Synchronization

/// The simulators' OAuth 2.0 token endpoint (RFC 6749 §4.4, client
/// credentials) and the record of the bearer tokens it issued.
///
/// Clients authenticate with HTTP Basic (RFC 6749 §2.3.1, form-encoded id
/// and secret) or with `client_id`/`client_secret` in the form body. Tokens
/// are 128 random bits, valid for `lifetime`; at most `maxTokens` are kept
/// (expired ones first, then the oldest are forgotten).
final class TokenIssuer: Sendable {
    static let maxTokens = 100_000

    private let clientID: [UInt8]
    private let clientSecret: [UInt8]
    private let lifetime: Duration
    private let tokens = Mutex<(byToken: [String: ContinuousClock.Instant], order: [String])>(([:], []))

    init(clientID: String, clientSecret: String, lifetime: Duration) {
        self.clientID = Array(clientID.utf8)
        self.clientSecret = Array(clientSecret.utf8)
        self.lifetime = lifetime
    }

    /// Whether `token` was issued here and has not expired.
    func isValid(_ token: String?) -> Bool {
        guard let token else { return false }
        let now = ContinuousClock.now
        return tokens.withLock { state in
            guard let expiry = state.byToken[token] else { return false }
            return expiry > now
        }
    }

    /// Answer a token request.
    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        guard request.method == "POST" else {
            return oauthError(405, "invalid_request", "the token endpoint takes POST", extra: [("allow", "POST")])
        }
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded"),
              let pairs = FormDecoding.pairs(String(decoding: request.body, as: UTF8.self)) else {
            return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        var form: [String: String] = [:]
        for (name, value) in pairs {
            guard form[name] == nil else { return oauthError(400, "invalid_request", "parameter \(name) is repeated") }
            form[name] = value
        }
        // Client authentication first: an unknown client learns nothing else.
        let credentials: (id: String, secret: String)?
        if let authorization = request.headers["authorization"] {
            credentials = FormDecoding.basicCredentials(authorization)
        } else if let id = form["client_id"], let secret = form["client_secret"] {
            credentials = (id, secret)
        } else {
            credentials = nil
        }
        guard let credentials, authenticates(credentials) else {
            return oauthError(401, "invalid_client", "client authentication failed",
                              extra: [("www-authenticate", "Basic realm=\"pavilion-simulator\"")])
        }
        guard let grant = form["grant_type"] else {
            return oauthError(400, "invalid_request", "grant_type is required")
        }
        guard grant == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "only client_credentials is supported")
        }
        let token: String
        do { token = "sim-" + Hex.encode(try SecureRandom.bytes(16)) } catch {
            return oauthError(500, "server_error", "no randomness for a token")
        }
        store(token)
        var body: [String: JSONValue] = [
            "access_token": .string(token),
            "token_type": "Bearer",
            "expires_in": .int(Int64(lifetime.components.seconds)),
        ]
        if let scope = form["scope"], !scope.isEmpty { body["scope"] = .string(scope) }
        return .json(200, .object(body), headers: [("pragma", "no-cache")])
    }

    private func authenticates(_ credentials: (id: String, secret: String)) -> Bool {
        // Both comparisons always run, each in constant time for equal lengths.
        let idMatches = ConstantTime.equal(Array(credentials.id.utf8), clientID)
        let secretMatches = ConstantTime.equal(Array(credentials.secret.utf8), clientSecret)
        return idMatches && secretMatches
    }

    private func store(_ token: String) {
        let now = ContinuousClock.now
        tokens.withLock { state in
            if state.order.count >= Self.maxTokens {
                let live = state.byToken.filter { $0.value > now }
                state.byToken = live
                state.order = state.order.filter { live[$0] != nil }
                while state.order.count >= Self.maxTokens {
                    state.byToken[state.order.removeFirst()] = nil
                }
            }
            state.byToken[token] = now + lifetime
            state.order.append(token)
        }
    }

    private func oauthError(_ status: Int, _ code: String, _ description: String,
                            extra: [(String, String)] = []) -> HTTPServerResponse {
        .json(status, ["error": .string(code), "error_description": .string(description)], headers: extra)
    }
}
