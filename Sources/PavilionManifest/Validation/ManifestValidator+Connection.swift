import PavilionCore

extension ManifestValidator {
    /// `spec.connection`: every key optional, defaults from ``Manifest/Connection``.
    mutating func readConnection(_ node: YAMLNode) -> Manifest.Connection? {
        let path = "spec.connection"
        guard let m = mapping(node, path: path, keys: ["pool", "timeouts", "retries", "breaker", "tls", "outlier", "load_balancing",
                                                       "on_unavailable", "retry_after_s", "hedging"], required: [])
        else { return nil }
        var c = Manifest.Connection()
        let before = diagnostics.count

        if let n = m["pool"], let p = mapping(n, path: "\(path).pool",
                                              keys: ["max_connections", "max_idle", "min_idle", "idle_timeout_ms", "max_lifetime_ms"],
                                              required: []) {
            let pp = "\(path).pool"
            if let v = p["max_connections"].flatMap({ integer($0, "\(pp).max_connections", 1...100_000) }) { c.maxConnections = v }
            // Without an explicit max_idle, every connection opened may stay
            // idle: closing one only to open another under the next burst
            // costs a handshake per request (docs/benchmarks.md).
            c.maxIdle = c.maxConnections
            if let n = p["max_idle"], let v = integer(n, "\(pp).max_idle", 0...100_000) {
                if v > c.maxConnections {
                    fail(n.location, "\(pp).max_idle: \(v) exceeds max_connections (\(c.maxConnections))")
                }
                c.maxIdle = v
            }
            if let n = p["min_idle"], let v = integer(n, "\(pp).min_idle", 0...100_000) {
                if v > c.maxIdle {
                    fail(n.location, "\(pp).min_idle: \(v) exceeds max_idle (\(c.maxIdle))")
                }
                c.minIdle = v
            }
            if let v = p["idle_timeout_ms"].flatMap({ integer($0, "\(pp).idle_timeout_ms", 1...3_600_000) }) { c.idleTimeoutMs = v }
            if let v = p["max_lifetime_ms"].flatMap({ integer($0, "\(pp).max_lifetime_ms", 1...86_400_000) }) { c.maxLifetimeMs = v }
        }
        if let n = m["timeouts"], let t = mapping(n, path: "\(path).timeouts", keys: ["connect_ms", "request_ms"], required: []) {
            if let v = t["connect_ms"].flatMap({ integer($0, "\(path).timeouts.connect_ms", 1...600_000) }) { c.connectTimeoutMs = v }
            if let v = t["request_ms"].flatMap({ integer($0, "\(path).timeouts.request_ms", 1...600_000) }) { c.requestTimeoutMs = v }
        }
        if let n = m["retries"], let r = mapping(n, path: "\(path).retries", keys: ["max_attempts", "backoff_ms", "budget_ratio"],
                                                 required: []) {
            if let v = r["max_attempts"].flatMap({ integer($0, "\(path).retries.max_attempts", 1...10) }) { c.maxAttempts = v }
            if let v = r["backoff_ms"].flatMap({ integer($0, "\(path).retries.backoff_ms", 0...60_000) }) { c.backoffMs = v }
            if let n = r["budget_ratio"], let v = number(n, "\(path).retries.budget_ratio") {
                if v >= 0, v <= 1 {
                    c.retryBudgetRatio = v
                } else {
                    fail(n.location, "\(path).retries.budget_ratio: must be from 0 to 1, found \(n.scalar?.text ?? String(v))")
                }
            }
        }
        if let n = m["outlier"], let o = mapping(n, path: "\(path).outlier",
                                                 keys: ["consecutive_errors", "base_ejection_ms", "max_ejection_ms", "max_ejected_percent"],
                                                 required: []) {
            let op = "\(path).outlier"
            if let v = o["consecutive_errors"].flatMap({ integer($0, "\(op).consecutive_errors", 1...10_000) }) {
                c.outlierConsecutiveErrors = v
            }
            if let v = o["base_ejection_ms"].flatMap({ integer($0, "\(op).base_ejection_ms", 1...3_600_000) }) {
                c.outlierBaseEjectionMs = v
            }
            if let v = o["max_ejection_ms"].flatMap({ integer($0, "\(op).max_ejection_ms", 1...86_400_000) }) {
                c.outlierMaxEjectionMs = v
            }
            if let v = o["max_ejected_percent"].flatMap({ integer($0, "\(op).max_ejected_percent", 0...100) }) {
                c.outlierMaxEjectedPercent = v
            }
            if c.outlierMaxEjectionMs < c.outlierBaseEjectionMs, let n = o["max_ejection_ms"] ?? o["base_ejection_ms"] {
                fail(n.location, "\(op).max_ejection_ms: \(c.outlierMaxEjectionMs) is less than base_ejection_ms (\(c.outlierBaseEjectionMs))")
            }
        }
        if let v = m["load_balancing"].flatMap({ word($0, "\(path).load_balancing", ["least_outstanding", "latency_ewma"],
                                                      what: "load-balancing strategy") }) {
            c.loadBalancing = v
        }
        if let v = m["on_unavailable"].flatMap({ word($0, "\(path).on_unavailable", ["problem", "cannot_attest"],
                                                      what: "outcome") }) {
            c.onUnavailable = v
        }
        if let v = m["retry_after_s"].flatMap({ integer($0, "\(path).retry_after_s", 1...3_600) }) { c.retryAfterSeconds = v }
        if let v = m["hedging"].flatMap({ boolean($0, "\(path).hedging") }) { c.hedging = v }
        if let n = m["breaker"], let b = mapping(n, path: "\(path).breaker",
                                                 keys: ["consecutive_failures", "failure_rate", "window", "minimum_calls", "open_ms",
                                                        "half_open_probes"],
                                                 required: []) {
            let bp = "\(path).breaker"
            if let v = b["consecutive_failures"].flatMap({ integer($0, "\(bp).consecutive_failures", 1...10_000) }) {
                c.breakerConsecutiveFailures = v
            }
            if let n = b["failure_rate"], let v = number(n, "\(bp).failure_rate") {
                if v > 0, v <= 1 {
                    c.breakerFailureRate = v
                } else {
                    fail(n.location, "\(bp).failure_rate: must be greater than 0 and at most 1, found \(n.scalar?.text ?? String(v))")
                }
            }
            if let v = b["window"].flatMap({ integer($0, "\(bp).window", 1...100_000) }) { c.breakerWindow = v }
            if let v = b["minimum_calls"].flatMap({ integer($0, "\(bp).minimum_calls", 1...100_000) }) { c.breakerMinimumCalls = v }
            if let v = b["open_ms"].flatMap({ integer($0, "\(bp).open_ms", 1...3_600_000) }) { c.breakerOpenMs = v }
            if let v = b["half_open_probes"].flatMap({ integer($0, "\(bp).half_open_probes", 1...1_000) }) {
                c.breakerHalfOpenProbes = v
            }
        }
        if let n = m["tls"], let t = mapping(n, path: "\(path).tls",
                                             keys: ["min_version", "ca_file", "spki_pins", "client_certificate", "client_key"],
                                             required: []) {
            let tp = "\(path).tls"
            if let v = t["min_version"].flatMap({ word($0, "\(tp).min_version", ManifestVocabulary.tlsVersions, what: "TLS version") }) {
                c.tlsMinVersion = v
            }
            if let v = t["ca_file"].flatMap({ filePath($0, "\(tp).ca_file") }) { c.tlsCAFile = resolve(v) }
            if let v = t["client_certificate"].flatMap({ filePath($0, "\(tp).client_certificate") }) { c.tlsClientCertificate = resolve(v) }
            if let v = t["client_key"].flatMap({ filePath($0, "\(tp).client_key") }) { c.tlsClientKey = resolve(v) }
            if (t["client_certificate"] == nil) != (t["client_key"] == nil), let n = t["client_certificate"] ?? t["client_key"] {
                fail(n.location, "\(tp): client_certificate and client_key go together")
            }
            if let n = t["spki_pins"], let v = strings(n, "\(tp).spki_pins", nonEmpty: false, check: { v, item, p in
                guard let s = v.string(item, p) else { return nil }
                guard TextRules.isSPKIPin(s) else {
                    v.fail(item.location, "\(p): \"\(s.debugEscaped)\" is not a base64 SHA-256 SPKI pin (44 characters ending in '=')")
                    return nil
                }
                return s
            }) {
                c.tlsSPKIPins = v
            }
        }
        return diagnostics.count == before ? c : nil
    }

    /// `spec.health`: both keys required; the probe timeout must be shorter than the interval.
    mutating func readHealth(_ node: YAMLNode) -> Manifest.Health? {
        guard let m = mapping(node, path: "spec.health", keys: ["interval_ms", "timeout_ms"],
                              required: ["interval_ms", "timeout_ms"]) else { return nil }
        let interval = m["interval_ms"].flatMap { integer($0, "spec.health.interval_ms", 100...3_600_000) }
        let timeout = m["timeout_ms"].flatMap { integer($0, "spec.health.timeout_ms", 1...600_000) }
        guard let interval, let timeout else { return nil }
        if timeout >= interval, let n = m["timeout_ms"] {
            fail(n.location, "spec.health.timeout_ms: \(timeout) must be less than interval_ms (\(interval))")
            return nil
        }
        return Manifest.Health(intervalMs: interval, timeoutMs: timeout)
    }
}
