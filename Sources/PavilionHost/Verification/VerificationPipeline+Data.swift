import Foundation
import PavilionData
import PavilionManifest
import PavilionStore

extension VerificationPipeline {
    /// Register the data-quality metrics.
    static func registerDataMetrics(_ metrics: Metrics) {
        metrics.histogram("pavilion_quality_score", help: "Overall data-quality score of each scored DP answer, by connector.",
                          labels: ["connector"], buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1])
        metrics.counter("pavilion_quality_decisions_total", help: "Data-quality decisions (accept, flag, reject), by connector.",
                        labels: ["connector", "decision"])
    }

    /// Count a quality report, when there is one.
    func observeQuality(_ report: QualityReport?, connector: String) {
        guard let report else { return }
        metrics.observe("pavilion_quality_score", [connector], report.overall)
        metrics.increment("pavilion_quality_decisions_total", [connector, report.decision.rawValue])
    }

    /// A new ``DataRun`` for one verification through `manifest`.
    /// - Throws: ``APIProblem`` 503 `connector_unavailable` when the
    ///   manifest's data stages do not compile (the manifest source refuses
    ///   such manifests, so only a pipeline fed another way sees it).
    func dataRun(id: VerificationID, manifest: Manifest, tenant: TenantID, startedAt: Date) throws(APIProblem) -> DataRun {
        let stages: CompiledDataStages
        do { stages = try dataStages.stages(for: manifest) } catch {
            logger.error("a connector's data stages do not compile", ["connector": .string(manifest.name), "error": .string(error.description)])
            throw APIProblem(503, "connector_unavailable", "connector '\(manifest.name)''s transforms, quality policy or keys do not compile")
        }
        return DataRun(id: id, manifest: manifest, stages: stages, keyedHash: dataKeys.keyedHash(for: tenant), startedAt: startedAt)
    }
}
