/// The life of one exchange, as the host sees it: begun once, stepped one
/// call at a time, ended exactly once.
///
/// Events return the action the caller must perform; the machine itself
/// never calls the plugin.
struct ExchangeStateMachine {
    private enum State {
        /// Not begun.
        case idle
        /// A plugin call (begin or step) is running; `end` was asked for meanwhile.
        case calling(handle: PluginExchangeHandle?, endRequested: Bool)
        /// The plugin asked for a request; the next event is its response.
        case awaitingResponse(PluginExchangeHandle)
        /// The plugin returned a result or an error; only `end` remains.
        case finished(PluginExchangeHandle?)
        /// Ended; nothing remains.
        case ended
    }

    /// What to do after a begin or step event.
    enum CallAction {
        /// Call the plugin (with this exchange handle for a step).
        case call(PluginExchangeHandle?)
        /// Refuse the call.
        case refuse(ConnectorFailure)
    }

    /// What to do after a call returned or end was asked for.
    enum EndAction {
        /// Nothing (yet).
        case none
        /// Call `exchange_end` on the handle (if the plugin returned one) and
        /// release the instance.
        case end(PluginExchangeHandle?)
    }

    private var state = State.idle

    /// Whether the exchange has ended.
    var isEnded: Bool {
        if case .ended = state { return true }
        return false
    }

    /// `begin` was called.
    mutating func beginRequested() -> CallAction {
        switch state {
        case .idle:
            state = .calling(handle: nil, endRequested: false)
            return .call(nil)
        case .calling:
            return .refuse(ConnectorFailure(.state, "exchange is already being stepped on another thread"))
        case .awaitingResponse, .finished:
            return .refuse(ConnectorFailure(.state, "exchange has already begun"))
        case .ended:
            return .refuse(ConnectorFailure(.state, "exchange has ended"))
        }
    }

    /// `begin` could not start (the instance is closed): end without a call.
    mutating func beginAbandoned() {
        state = .ended
    }

    /// `step` was called.
    mutating func stepRequested() -> CallAction {
        switch state {
        case .idle:
            return .refuse(ConnectorFailure(.state, "exchange has not begun"))
        case .calling:
            return .refuse(ConnectorFailure(.state, "exchange is already being stepped on another thread"))
        case .awaitingResponse(let handle):
            state = .calling(handle: handle, endRequested: false)
            return .call(handle)
        case .finished:
            return .refuse(ConnectorFailure(.state, "exchange has finished; it cannot be stepped again"))
        case .ended:
            return .refuse(ConnectorFailure(.state, "exchange has ended"))
        }
    }

    /// The running plugin call returned.
    /// - Parameters:
    ///   - handle: the exchange handle the plugin has (after begin: the one it returned).
    ///   - awaitingResponse: whether the call produced a valid request.
    mutating func callReturned(handle: PluginExchangeHandle?, awaitingResponse: Bool) -> EndAction {
        guard case .calling(_, let endRequested) = state else {
            preconditionFailure("callReturned outside a call")  // our bug, not the plugin's
        }
        if endRequested {
            return finish(handle)
        }
        if awaitingResponse, let handle {
            state = .awaitingResponse(handle)
        } else {
            state = .finished(handle)
        }
        return .none
    }

    /// `end` was called (explicitly or by deinit).
    mutating func endRequested() -> EndAction {
        switch state {
        case .idle:
            state = .ended
            return .none
        case .calling(let handle, _):
            state = .calling(handle: handle, endRequested: true)
            return .none
        case .awaitingResponse(let handle):
            return finish(handle)
        case .finished(let handle):
            return finish(handle)
        case .ended:
            return .none
        }
    }

    private mutating func finish(_ handle: PluginExchangeHandle?) -> EndAction {
        state = .ended
        return .end(handle)
    }
}
