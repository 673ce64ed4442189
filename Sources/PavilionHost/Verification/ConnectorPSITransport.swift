import PavilionCore
import PavilionPlugins
import PavilionPrivacy
import Synchronization

/// The way a connector's `PV_STEP_PSI` reaches its DP's `pavilion-psi-v1`
/// service: each PSI message is one ``HTTPRequest`` under the step's base
/// path, carried by the same ``ExchangeTransport`` as the connector's own
/// requests (region choice and failover, pooling, TLS, the connection audit),
/// each bounded by the manifest's request timeout and the verification's
/// deadline.
///
/// A transport failure is kept (``transportFailure``) so that the pipeline
/// maps it exactly as it maps a failed request (timeout → 504, …); any other
/// failure is the DP's PSI answer being wrong (502).
final class ConnectorPSITransport: PSIHTTPSender {
    let base: String
    private let transport: any ExchangeTransport
    private let context: @Sendable () -> TransportContext
    private let failure = Mutex<TransportError?>(nil)
    private let sent = Mutex(0)

    /// - Parameters:
    ///   - base: the step's base path, e.g. `/psi/v1`.
    ///   - transport: the pipeline's transport.
    ///   - context: a fresh context (and deadline) for each message.
    init(base: String, transport: any ExchangeTransport, context: @escaping @Sendable () -> TransportContext) {
        self.base = base
        self.transport = transport
        self.context = context
    }

    /// The transport failure that ended the protocol, if one did.
    var transportFailure: TransportError? { failure.withLock { $0 } }

    /// How many HTTP messages were sent.
    var messages: Int { sent.withLock { $0 } }

    func send(method: String, target: String, body: [UInt8], expect: Int) async throws(PSIError) -> [UInt8] {
        // Evaluation holds no state on the server, so it may be retried like a GET; session messages may not.
        let idempotent = method == "GET" || target.hasSuffix("/evaluate")
        let request = HTTPRequest(method: method, path: target,
                                  headers: body.isEmpty ? [] : [("content-type", "application/octet-stream")],
                                  body: body, idempotent: idempotent)
        sent.withLock { $0 += 1 }
        let response: HTTPResponse
        do {
            response = try await transport.send(request, context: context())
        } catch {
            failure.withLock { $0 = error }
            throw PSIError(.transport, "\(method) \(target): \(error.description)")
        }
        guard response.status == expect else {
            throw PSIError(.transport, "\(method) \(target): the data provider answered \(response.status): \(Self.problemDetail(response.body))")
        }
        return response.body
    }
}
