import PavilionCore
import Synchronization

/// One query's conversation with a connector: begun once, stepped with each
/// HTTP response until the plugin returns a result or an error, and ended
/// exactly once — by ``end()`` or when the object goes away.
///
/// Every output of the plugin is validated before it is returned: requests
/// must be safe to send (allowed method, relative path without `..` or
/// control characters, no host-owned headers); PSI steps (ABI 2 plugins
/// only) must name a safe base path, a mode and 1 to 1,024 non-empty
/// elements; results must be JSON objects of the claims the query asked for. Calls on one exchange never overlap: a
/// `step` while another call on the same exchange is running throws
/// ``ConnectorFailure/Code/state`` instead of reaching the plugin.
///
/// ```swift
/// let exchange = instance.makeExchange()
/// var next = try exchange.begin(query: query, tenant: "acme", requestID: "req-1")
/// while case .request(let request) = next {
///     next = try exchange.step(try await transport.send(request))
/// }
/// ```
public final class Exchange: Sendable {
    /// The instance the exchange runs on; kept alive until the exchange ends.
    public let instance: ConnectorInstance
    private let locked = Mutex(Locked())

    private struct Locked {
        var machine = ExchangeStateMachine()
        var context: ExchangeContext?
        var expectation = StepValidator.Expectation.claims([])
    }

    /// A new exchange on `instance`, not yet begun.
    public init(instance: ConnectorInstance) {
        self.instance = instance
    }

    deinit {
        end()
    }

    /// Whether the exchange has ended.
    public var isEnded: Bool { locked.withLock { $0.machine.isEnded } }

    /// Begin the exchange for a query (`exchange_begin`).
    /// - Parameters:
    ///   - query: a JSON object with at least `"claims": [String]`; the host
    ///     sets its `request_id` to `requestID`.
    ///   - tenant: the relying party; selects the secrets the plugin can read.
    ///   - requestID: the host's request id.
    /// - Returns: the first request to perform, or the result.
    /// - Throws: ``ConnectorFailure`` carrying the plugin's status and
    ///   message, or the host's reason for refusing its output.
    public func begin(query: JSONValue, tenant: String, requestID: String) throws(ConnectorFailure) -> ExchangeStep {
        guard case .object(var members) = query else {
            throw ConnectorFailure(.invalidInput, "query must be a JSON object, not a \(query.typeName)")
        }
        guard let claimValues = members["claims"]?.arrayValue else {
            throw ConnectorFailure(.invalidInput, "query lacks the array \"claims\"")
        }
        var claims: Set<String> = []
        for value in claimValues {
            guard let claim = value.stringValue else {
                throw ConnectorFailure(.invalidInput, "query \"claims\" holds a \(value.typeName), not a string")
            }
            claims.insert(claim)
        }
        members["request_id"] = .string(requestID)
        let queryBytes = JSONValue.object(members).serializedBytes
        let vtable = instance.plugin.vtable
        return try start(tenant: tenant, requestID: requestID, expecting: .claims(claims)) { handle, context in
            vtable.begin(handle, context: context, query: queryBytes, limits: CopyLimits())
        }
    }

    /// Begin a health-probe exchange (`health_begin`); its result is
    /// `{"healthy": Bool}`.
    /// - Parameters:
    ///   - tenant: the tenant whose secrets the probe may read.
    ///   - requestID: the host's id for the probe.
    /// - Returns: the first request to perform, or the result.
    /// - Throws: ``ConnectorFailure``; `unsupported` when the connector has
    ///   no health probe.
    public func beginHealth(tenant: String, requestID: String) throws(ConnectorFailure) -> ExchangeStep {
        guard instance.plugin.hasHealthProbe else {
            throw ConnectorFailure(.unsupported, "connector '\(instance.name)' has no health probe")
        }
        let vtable = instance.plugin.vtable
        return try start(tenant: tenant, requestID: requestID, expecting: .health) { handle, context in
            vtable.healthBegin(handle, context: context, limits: CopyLimits())
        }
    }

    /// Give the plugin the response to its last request (`exchange_step`).
    /// - Parameter response: what the DP answered.
    /// - Returns: the next request, or the result.
    /// - Throws: ``ConnectorFailure``; `state` when the exchange is not
    ///   waiting for a response or is being stepped on another thread.
    public func step(_ response: HTTPResponse) throws(ConnectorFailure) -> ExchangeStep {
        guard (100...599).contains(response.status) else {
            throw ConnectorFailure(.host, "response status \(response.status) is outside 100...599")
        }
        let action = locked.withLock { $0.machine.stepRequested() }
        let handle: PluginExchangeHandle
        switch action {
        case .refuse(let failure): throw failure
        case .call(let h?): handle = h
        case .call(nil):
            preconditionFailure("step without an exchange handle")  // the machine only awaits with a handle
        }
        let (context, expectation) = locked.withLock { ($0.context, $0.expectation) }
        let raw = instance.plugin.vtable.step(handle, response: response, limits: CopyLimits())
        context?.leases.releaseAll()
        return try finishCall(raw, handle: handle, expecting: expectation)
    }

    /// End the exchange (`exchange_end`), freeing the plugin's state. Safe
    /// to call more than once and from any thread; if a call is running, the
    /// exchange ends when it returns.
    public func end() {
        let action = locked.withLock { $0.machine.endRequested() }
        perform(action)
    }

    // MARK: - Internals

    private func start(
        tenant: String, requestID: String, expecting expectation: StepValidator.Expectation,
        call: (PluginInstanceHandle, ExchangeContext) -> (step: RawStep, exchange: PluginExchangeHandle?)
    ) throws(ConnectorFailure) -> ExchangeStep {
        if case .refuse(let failure) = locked.withLock({ $0.machine.beginRequested() }) { throw failure }
        guard let instanceHandle = instance.acquire() else {
            locked.withLock { $0.machine.beginAbandoned() }
            throw ConnectorFailure(.state, "connector instance '\(instance.name)' is closed")
        }
        let context = ExchangeContext(instance: instance.context, tenant: tenant, requestID: requestID)
        locked.withLock {
            $0.context = context
            $0.expectation = expectation
        }
        let (raw, handle) = call(instanceHandle, context)
        context.leases.releaseAll()
        return try finishCall(raw, handle: handle, expecting: expectation)
    }

    private func finishCall(_ raw: RawStep, handle: PluginExchangeHandle?,
                            expecting expectation: StepValidator.Expectation) throws(ConnectorFailure) -> ExchangeStep {
        var outcome = StepValidator.interpret(raw, expecting: expectation)
        var awaiting = false
        switch outcome {
        case .success(.request), .success(.psi):
            if handle == nil {
                outcome = .failure(ConnectorFailure(.invalidRequest, "plugin asked for a request but returned no exchange state"))
            } else {
                awaiting = true
            }
        case .success(.result), .failure:
            break
        }
        let action = locked.withLock { $0.machine.callReturned(handle: handle, awaitingResponse: awaiting) }
        perform(action)
        return try outcome.get()
    }

    private func perform(_ action: ExchangeStateMachine.EndAction) {
        guard case .end(let handle) = action else { return }
        if let handle { instance.plugin.vtable.end(handle) }
        locked.withLock { $0.context }?.leases.releaseAll()
        instance.release()
    }
}
