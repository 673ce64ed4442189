import Synchronization

/// What to do with one request, decided by ``FaultInjector``.
struct FaultDecision: Sendable, Equatable {
    enum Action: Sendable, Equatable {
        case none
        case stall
        case reset
        case unavailable
        case status(Int)
        case garbage
    }

    var latencyMs: Int
    var action: Action
}

/// Holds the current faults and decides, per request, which apply. The
/// `errorRate` draw comes from a seeded generator when one is given (tests),
/// else from the system generator.
final class FaultInjector: Sendable {
    private struct State {
        var faults: SimulatorFaults
        var seeded: SplitMix64?
    }

    private let state: Mutex<State>

    init(faults: SimulatorFaults, seed: UInt64?) {
        state = Mutex(State(faults: faults, seeded: seed.map(SplitMix64.init(seed:))))
    }

    var faults: SimulatorFaults {
        get { state.withLock { $0.faults } }
    }

    func replace(_ faults: SimulatorFaults) {
        state.withLock { $0.faults = faults }
    }

    /// The decision for a request to `path`.
    func decide(path: String) -> FaultDecision {
        state.withLock { s in
            let faults = s.faults
            guard faults.isActive, faults.applies(to: path) else { return FaultDecision(latencyMs: 0, action: .none) }
            var action = FaultDecision.Action.none
            if faults.stall {
                action = .stall
            } else if faults.reset {
                action = .reset
            } else if faults.errorRate > 0, Self.draw(&s.seeded) < faults.errorRate {
                action = .unavailable
            } else if let status = faults.status {
                action = .status(status)
            } else if faults.garbage {
                action = .garbage
            }
            return FaultDecision(latencyMs: faults.latencyMs, action: action)
        }
    }

    /// A uniform draw in [0, 1).
    private static func draw(_ seeded: inout SplitMix64?) -> Double {
        if var generator = seeded {
            defer { seeded = generator }
            return Double.random(in: 0..<1, using: &generator)
        }
        var system = SystemRandomNumberGenerator()
        return Double.random(in: 0..<1, using: &system)
    }
}
