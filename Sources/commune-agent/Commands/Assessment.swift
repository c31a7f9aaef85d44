import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct AssessmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Show the commune's PAR INDEX self-assessment of a year, or submit it (--submit) for appraisal.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The year (default: the newest year with a criteria set).")
    var year: Int?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(help: "Submit (nộp) the self-assessment: it is then frozen until the district returns it.")
    var submit = false

    @Option(help: "Who submits (full name); required with --submit.")
    var by: String?

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let year = try await store.assessmentYear(year)
            if submit {
                guard let by else { throw SyncError(.invalidInput, "Thiếu người nộp (--by).") }
                let submitted = try await store.submitAssessment(year: year, by: by)
                print("Đã nộp bản tự đánh giá năm \(year): \(Points.text(submitted.selfTotal)) điểm; sẽ gửi lên huyện khi đồng bộ.")
                return
            }
            let (assessment, set) = try await store.assessment(year: year)
            if json {
                try printJSON(assessment)
            } else {
                AssessmentText.lines(assessment, set: set).forEach { print($0) }
            }
        }
    }
}

struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score one sub-criterion of the self-assessment, with an explanation and evidence files.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The sub-criterion id, e.g. 1.2.3 (see `commune-agent assessment`).")
    var criterion: String

    @Option(help: "The year (default: the newest year with a criteria set).")
    var year: Int?

    // Unconditional parsing, so "--score -1" reaches validation instead of reading as a flag.
    @Option(parsing: .unconditional, help: "The score, 0 to the sub-criterion's maximum (8,5 or 8.5).")
    var score: String

    @Option(help: "The explanation (giải trình), required where evidence is but no file is attached.")
    var explain: String?

    @OptionGroup var evidence: EvidenceOptions

    @Option(help: "Who scores (full name).")
    var by: String

    func run() async throws {
        let settings = try await AgentSettings.loadOrExit(file: evidence.config)
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let year = try await store.assessmentYear(year)
            let criterion = criterion.cleanedInput
            guard let value = Points.parse(score) else {
                throw SyncError(.invalidValue, "Điểm phải là số, ví dụ 1 hoặc 0,5, không phải \"\(score)\".")
            }
            guard let (_, set) = try await store.criteriaSet(year: year), let leaf = set.leaf(criterion) else {
                throw SyncError(.unknownCriterion, "Bộ tiêu chí năm \(year) không có tiêu chí thành phần \(criterion) (xem `commune-agent assessment`).")
            }
            if let problem = leaf.problem(with: value) { throw SyncError(.invalidValue, problem) }
            // Evidence first, so a sub-criterion that requires it has it when the score is checked.
            try await evidence.attachAll(to: "\(year)/\(leaf.id)", store: store, by: by, maxBytes: settings.maxFileBytes)
            try await store.assess(criterion: leaf.id, year: year, score: value, explain: explain, by: by)
            print("Đã chấm tiêu chí \(leaf.id): \(Points.text(value))/\(Points.text(leaf.max)) điểm; sẽ gửi lên huyện khi đồng bộ.")
        }
    }
}
