import Foundation

/// Goodness-of-fit helpers for the sampler tests (floating point is fine
/// here: it only judges samples, it never makes them).
enum StatisticalChecks {
    /// The outcome of a chi-squared goodness-of-fit test.
    struct ChiSquaredResult: CustomStringConvertible {
        var statistic: Double
        var degreesOfFreedom: Int
        var pValue: Double
        var description: String { "χ²=\(statistic), df=\(degreesOfFreedom), p=\(pValue)" }
    }

    /// Chi-squared test of integer samples against a symmetric or one-sided
    /// PMF. Every integer whose expected count is at least 5 gets a bin; the
    /// two tails beyond them are one bin each, merged into the outermost bin
    /// when their expected count is below 5.
    static func chiSquared(samples: [Int64], pmf: (Int64) -> Double) -> ChiSquaredResult {
        let n = Double(samples.count)
        var counts: [Int64: Int] = [:]
        for s in samples { counts[s, default: 0] += 1 }
        // The mode is near zero for every distribution tested; walk outward.
        var low: Int64 = 0
        var high: Int64 = 0
        while n * pmf(low - 1) >= 5 { low -= 1 }
        while n * pmf(high + 1) >= 5 { high += 1 }
        func mass(_ range: ClosedRange<Int64>) -> Double { range.reduce(0) { $0 + pmf($1) } }
        let span = max(high - low, 1) * 50 + 1000
        var expected = (low...high).map { n * pmf($0) }
        var observed = (low...high).map { Double(counts[$0] ?? 0) }
        let leftExpected = n * mass((low - span)...(low - 1))
        let rightExpected = n * mass((high + 1)...(high + span))
        let leftObserved = Double(counts.filter { $0.key < low }.values.reduce(0, +))
        let rightObserved = Double(counts.filter { $0.key > high }.values.reduce(0, +))
        if leftExpected >= 5 {
            expected.insert(leftExpected, at: 0); observed.insert(leftObserved, at: 0)
        } else {
            expected[0] += leftExpected; observed[0] += leftObserved
        }
        if rightExpected >= 5 {
            expected.append(rightExpected); observed.append(rightObserved)
        } else {
            expected[expected.count - 1] += rightExpected; observed[observed.count - 1] += rightObserved
        }
        return chiSquared(observed: observed, expected: expected)
    }

    /// Chi-squared statistic and p-value for given bins.
    static func chiSquared(observed: [Double], expected: [Double]) -> ChiSquaredResult {
        var statistic = 0.0
        for (o, e) in zip(observed, expected) { statistic += (o - e) * (o - e) / e }
        let df = observed.count - 1
        return ChiSquaredResult(statistic: statistic, degreesOfFreedom: df,
                                pValue: upperRegularizedGamma(Double(df) / 2, statistic / 2))
    }

    /// `Q(a, x) = Γ(a, x)/Γ(a)`, by series for `x < a + 1` and by continued
    /// fraction otherwise (Numerical Recipes, 6.2).
    static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let logPrefix = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var sum = 1 / a
            var term = sum
            var ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return 1 - sum * exp(logPrefix)
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logPrefix) * h
    }

    /// Mean and (population) variance of a PMF over a range.
    static func moments(_ pmf: (Int64) -> Double, over range: ClosedRange<Int64>) -> (mean: Double, variance: Double, fourth: Double) {
        var mean = 0.0
        for x in range { mean += Double(x) * pmf(x) }
        var variance = 0.0
        var fourth = 0.0
        for x in range {
            let d = Double(x) - mean
            variance += d * d * pmf(x)
            fourth += d * d * d * d * pmf(x)
        }
        return (mean, variance, fourth)
    }

    /// Sample mean and variance.
    static func sampleMoments(_ samples: [Int64]) -> (mean: Double, variance: Double) {
        let n = Double(samples.count)
        let mean = samples.reduce(0.0) { $0 + Double($1) } / n
        let variance = samples.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        return (mean, variance)
    }

    /// The discrete Laplace PMF with scale `τ`: `tanh(1/(2τ))·e^{-|x|/τ}`.
    static func discreteLaplacePMF(scale tau: Double) -> (Int64) -> Double {
        let c = tanh(1 / (2 * tau))
        return { x in c * exp(-Double(x.magnitude) / tau) }
    }

    /// The discrete Gaussian PMF with parameter `σ²`, normalised numerically.
    static func discreteGaussianPMF(sigmaSquared s2: Double) -> (Int64) -> Double {
        let cap = Int64(60 * s2.squareRoot() + 60)
        var z = 0.0
        for x in -cap...cap { z += exp(-Double(x) * Double(x) / (2 * s2)) }
        return { x in exp(-Double(x) * Double(x) / (2 * s2)) / z }
    }
}
