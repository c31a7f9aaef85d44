import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Criteria: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the yearly criteria sets of the commune PAR INDEX.", subcommands: [ImportCriteria.self])
}

struct ImportCriteria: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a year's criteria set from a JSON file such as config/criteria-example.json.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The year the set is for.")
    var year: Int

    @Argument(help: "The criteria set file.")
    var path: String

    func run() async throws {
        try await reportingErrors {
            let set = try CriteriaSet.load(path: path)
            let result = try await store.create(HubStore.self).importCriteria(set, year: year, actor: "district-hub criteria import")
            let counts = "\(set.areas.count) areas, \(set.leaves.count) sub-criteria, \(Points.text(set.max)) points"
            switch result {
            case .unchanged(let version): print("criteria \(year) version \(version) unchanged (\(counts))")
            case .replaced(let version): print("criteria \(year) version \(version) corrected in place, no commune had scored yet (\(counts))")
            case .newVersion(let version): print("criteria \(year) version \(version) imported (\(counts))")
            }
        }
    }
}

struct AssessmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Show the communes' self-assessments of a year with appraisals and ranks, or decide on one (--decision).")

    @OptionGroup var store: StoreOptions

    @Option(help: "The year.")
    var year: Int

    @Option(help: "Only this commune.")
    var commune: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Option(help: "returned | appraised: send the commune's submitted assessment back, or close it as appraised (needs --commune and --by).")
    var decision: String?

    @Option(help: "With --decision: the note the commune reads.")
    var comment: String?

    @Option(help: "With --decision: who decides (full name).")
    var by: String?

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(HubStore.self)
            if let decision {
                guard let choice = AssessmentDecision(rawValue: decision) else {
                    throw SyncError(.invalidInput, "--decision must be returned or appraised, not \(decision)")
                }
                guard let commune, let by else { throw SyncError(.invalidInput, "--decision needs --commune and --by") }
                try await store.decide(commune: commune, year: year, choice, note: comment, by: by)
                print("\(commune) \(year): \(choice.rawValue)")
                return
            }
            guard let (set, _, all) = try await store.assessments(year: year) else {
                throw SyncError(.unknownCriterion, "no criteria set for \(year): run `district-hub criteria import` first")
            }
            let shown = all.filter { commune == nil || $0.code == commune }
            if let commune, shown.isEmpty { throw SyncError(.outOfScope, "no commune \(commune) at this hub") }
            if json {
                print(String(decoding: try WireCoding.encode(shown, pretty: true), as: UTF8.self))
                return
            }
            for (index, assessment) in shown.enumerated() {
                if index > 0 { print() }
                AssessmentText.lines(assessment, set: set).forEach { print($0) }
            }
        }
    }
}

struct Appraise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the appraisal team's score and comment on one sub-criterion of a commune's submitted self-assessment.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The sub-criterion id, e.g. 1.2.3.")
    var criterion: String

    @Option(help: "The year.")
    var year: Int

    @Option(help: "The commune's code.")
    var commune: String

    @Option(parsing: .unconditional, help: "The appraised score, 0 to the sub-criterion's maximum.")
    var score: String

    @Option(help: "The comment the commune reads.")
    var comment: String?

    @Option(help: "Who appraises (full name).")
    var by: String

    func run() async throws {
        try await reportingErrors {
            guard let value = Points.parse(score) else { throw SyncError(.invalidValue, "--score must be a number, not \(score)") }
            try await store.existing(HubStore.self).appraise(
                commune: commune, year: year, [Appraisal(criterion: criterion.cleanedInput, score: value, comment: comment)], by: by)
            print("\(commune) \(year) \(criterion): appraised \(Points.text(value))")
        }
    }
}
