import Foundation
import PavilionCore
import Synchronization

/// The connection audit log: connects (with TLS version and cipher), closes
/// (with reason and exchanges carried, i.e. reuse), breaker transitions,
/// ejections and readmissions, health-check results that changed state,
/// failovers and pool exhaustion — each with connector, region and endpoint.
///
/// Every event is written as one JSON log line (`msg` `connectivity`,
/// `event` naming it) through the host logger, and kept in an in-memory ring
/// of the last `capacity` events, read by time with ``events(since:limit:)``
/// (`GET /v1/admin/connectivity/events?since=…`).
public final class ConnectivityEventLog: Sendable {
    /// One event.
    public struct Event: Sendable, Hashable {
        /// A number that grows by one per event.
        public var sequence: UInt64
        /// When it happened (wall clock).
        public var time: Date
        /// `connect`, `close`, `breaker`, `ejected`, `readmitted`, `ejection_skipped`,
        /// `health`, `failover`, `pool_exhausted`, `region_exhausted`, `retry`.
        public var event: String
        /// Other fields (connector, region, endpoint, …).
        public var fields: [String: JSONValue]

        /// The event as a JSON object.
        public var json: JSONValue {
            var members = fields
            members["seq"] = .int(Int64(sequence))
            members["ts"] = .string(Timestamps.rfc3339(time))
            members["event"] = .string(event)
            return .object(members)
        }
    }

    private struct Ring {
        var events: [Event] = []
        var start = 0
        var next: UInt64 = 0
    }

    /// Events kept in memory.
    public let capacity: Int
    private let logger: Logger
    private let ring = Mutex(Ring())

    /// - Parameters:
    ///   - logger: where each event is also written as a JSON line.
    ///   - capacity: events kept in memory (default 4,096).
    public init(logger: Logger, capacity: Int = 4096) {
        self.logger = logger
        self.capacity = max(1, capacity)
    }

    /// Record an event.
    /// - Parameters:
    ///   - event: its name.
    ///   - fields: connector, region, endpoint and details (never personal data).
    public func record(_ event: String, _ fields: [String: JSONValue]) {
        let now = Date()
        ring.withLock { r in
            let e = Event(sequence: r.next, time: now, event: event, fields: fields)
            r.next &+= 1
            if r.events.count < capacity {
                r.events.append(e)
            } else {
                r.events[r.start] = e
                r.start = (r.start + 1) % capacity
            }
        }
        var line = fields
        line["event"] = .string(event)
        logger.info("connectivity", line)
    }

    /// Events at or after `since`, oldest first.
    /// - Parameters:
    ///   - since: the earliest time wanted (`nil`: all kept).
    ///   - limit: most events returned (the newest are kept).
    /// - Returns: the events.
    public func events(since: Date? = nil, limit: Int = 1000) -> [Event] {
        let all = ring.withLock { r in Array(r.events[r.start...] + r.events[..<r.start]) }
        let wanted = since.map { s in all.filter { $0.time >= s } } ?? all
        return Array(wanted.suffix(max(0, limit)))
    }
}
